import { describe, expect, it } from 'vitest';
import { createGuard, isLoopbackAddress } from './guard.js';

describe('createGuard', () => {
  const guard = createGuard({ port: 8765, token: 'pb_secret' });
  const auth = { authorization: 'Bearer pb_secret' };

  it('accepts loopback hosts on our port and no or loopback origins', () => {
    for (const host of ['127.0.0.1:8765', 'localhost:8765', '[::1]:8765']) expect(guard.check({ host, ...auth })).toBeUndefined();
    expect(guard.check({ host: 'localhost:8765', origin: 'http://127.0.0.1:5173', ...auth })).toBeUndefined();
  });

  it('rejects other hosts, other ports and foreign origins with 403, before the token', () => {
    expect(guard.check({ host: 'evil.example:8765' })?.status).toBe(403);
    expect(guard.check({ host: '127.0.0.1:9999', ...auth })?.status).toBe(403);
    expect(guard.check({ host: '127.0.0.1:8765', origin: 'https://evil.example', ...auth })?.status).toBe(403);
    expect(guard.check({ host: '127.0.0.1:8765', origin: 'not a url', ...auth })?.status).toBe(403);
  });

  it('requires the token and never echoes it', () => {
    const missing = guard.check({ host: '127.0.0.1:8765' });
    expect(missing?.status).toBe(401);
    const wrong = guard.check({ host: '127.0.0.1:8765', authorization: 'Bearer nope' });
    expect(wrong?.status).toBe(401);
    expect(wrong?.message).not.toContain('pb_secret');
    expect(guard.check({ host: '127.0.0.1:8765', 'x-api-key': 'pb_secret' })).toBeUndefined();
  });

  it('refuses Origin: null with 403 on every method, before the token', () => {
    for (const method of ['GET', 'POST', 'DELETE', 'OPTIONS']) {
      expect(guard.screen(method, { host: '127.0.0.1:8765', origin: 'null', 'content-type': 'application/json', ...auth })?.status).toBe(403);
    }
    expect(createGuard({ port: 8765, token: undefined }).check({ host: '127.0.0.1:8765', origin: 'null' })?.status).toBe(403);
  });

  it('answers a body that is not application/json with 415, with or without the token, and only for methods with a body', () => {
    const open = createGuard({ port: 8765, token: undefined });
    for (const g of [guard, open]) {
      for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', undefined]) {
        const headers = { host: '127.0.0.1:8765', ...(type ? { 'content-type': type } : {}) };
        expect(g.check({ ...headers, ...auth }, 'POST')?.status, String(type)).toBe(415);
        expect(g.check(headers, 'POST')?.status, String(type)).toBe(415);
      }
      for (const type of ['application/json', 'Application/JSON; charset=utf-8', ' application/json ']) {
        expect(g.screen('POST', { host: '127.0.0.1:8765', 'content-type': type }), type).toBeUndefined();
      }
      expect(g.screen('GET', { host: '127.0.0.1:8765' })).toBeUndefined();
      expect(g.screen('DELETE', { host: '127.0.0.1:8765' })).toBeUndefined();
    }
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopbackAddress)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', '::', 'example.com'].some(isLoopbackAddress)).toBe(false);
  });
});
