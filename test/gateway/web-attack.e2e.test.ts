/**
 * What a web page can do to `patchbay up --no-auth` (issue 9, items 1 and 2). A sandboxed iframe
 * or a data: page sends `Origin: null`, and a `text/plain` (or untyped Blob) body needs no CORS
 * preflight, so before the fix such a page could make the real filesystem server behind the hub
 * write a file with one 2026-07-28 tools/call. Every route is behind the same guard: `/v1/`
 * (the model proxy) and `/healthz` refuse a foreign Host and Origin as `/mcp` does.
 */
import { existsSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FILESYSTEM } from './helpers/harness.js';
import { makeProject, startUp, type UpProcess } from './helpers/up-process.js';

interface Answer {
  status: number;
  body: string;
}

function raw(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A 2026-07-28 tools/call: no session, no initialize, the envelope in _meta. */
function writeFileCall(path: string, content: string): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: {
      name: 'filesystem__write_file',
      arguments: { path, content },
      _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientCapabilities': {},
        'io.modelcontextprotocol/clientInfo': { name: 'page', version: '1' },
      },
    },
  });
}
const MODERN_HEADERS = { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'filesystem__write_file' };

describe('a web page against `patchbay up --no-auth` with the real filesystem server', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'patchbay-fs-target-')));
  let up: UpProcess;
  let token: string;
  beforeAll(async () => {
    const project = makeProject({ filesystem: { command: process.execPath, args: [FILESYSTEM, dir] } });
    up = await startUp(project, ['--no-auth']);
    expect(up.output.stdout).toMatch(/✔ filesystem +stdio/);
    token = (await runCli(['token'], { cwd: project })).stdout.trim();
  }, 60_000);
  afterAll(async () => {
    await up?.stop();
  });

  it('refuses Origin: null with text/plain (no preflight) and the file is not written', async () => {
    const target = join(dir, 'from-sandboxed-frame.txt');
    const r = await raw(up.port, 'POST', '/mcp', { ...MODERN_HEADERS, origin: 'null', 'content-type': 'text/plain;charset=UTF-8' }, writeFileCall(target, 'pwned'));
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.message).toContain('Origin "null" is not allowed');
    expect(existsSync(target)).toBe(false);
  });

  it('refuses Origin: null on every request, whatever its body type or route', async () => {
    const target = join(dir, 'null-json.txt');
    const json = await raw(up.port, 'POST', '/mcp', { ...MODERN_HEADERS, origin: 'null', 'content-type': 'application/json' }, writeFileCall(target, 'x'));
    expect(json.status).toBe(403);
    expect(existsSync(target)).toBe(false);
    expect((await raw(up.port, 'GET', '/mcp', { origin: 'null', accept: 'text/event-stream' })).status).toBe(403);
    expect((await raw(up.port, 'GET', '/v1/models', { origin: 'null', 'x-api-key': token })).status).toBe(403);
    expect((await raw(up.port, 'GET', '/healthz', { origin: 'null' })).status).toBe(403);
  });

  it('answers a POST that is not application/json with 415 (without Origin, from a loopback page, or an untyped Blob), writing nothing', async () => {
    const target = join(dir, 'text-plain.txt');
    const cases: Array<Record<string, string>> = [{ 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000' }, {}, { 'content-type': 'multipart/form-data; boundary=x' }];
    for (const headers of cases) {
      const r = await raw(up.port, 'POST', '/mcp', { ...MODERN_HEADERS, ...headers }, writeFileCall(target, 'x'));
      expect(r.status, JSON.stringify(headers)).toBe(415);
      expect(JSON.parse(r.body).error.message).toContain('Content-Type: application/json');
    }
    expect(existsSync(target)).toBe(false);
  });

  it('still serves the same call sent as application/json by a local client (the refusals above are not an accident)', async () => {
    const target = join(dir, 'from-local-client.txt');
    const r = await raw(up.port, 'POST', '/mcp', { ...MODERN_HEADERS, 'content-type': 'application/json; charset=utf-8' }, writeFileCall(target, 'hello'));
    expect(r.status).toBe(200);
    expect(readFileSync(target, 'utf8')).toBe('hello');
  });

  it('puts the model proxy under /v1/ behind the same Host and Origin checks as /mcp', async () => {
    const ok = await raw(up.port, 'GET', '/v1/models', { 'x-api-key': token });
    expect(ok.status).toBe(200);
    const rebound = await raw(up.port, 'GET', '/v1/models', { 'x-api-key': token, host: `evil.example.com:${up.port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(JSON.parse(rebound.body).error.message).toContain('DNS rebinding');
    const foreign = await raw(up.port, 'POST', '/v1/messages', { 'x-api-key': token, origin: 'https://evil.example.com', 'content-type': 'application/json' }, '{}');
    expect(foreign.status).toBe(403);
    const plain = await raw(up.port, 'POST', '/v1/messages', { 'x-api-key': token, 'content-type': 'text/plain' }, '{}');
    expect(plain.status).toBe(415);
    expect(JSON.parse(plain.body).error.type).toBe('invalid_request_error');
  });

  it('guards /healthz and unknown paths too', async () => {
    expect((await raw(up.port, 'GET', '/healthz', {})).status).toBe(200);
    expect((await raw(up.port, 'GET', '/healthz', { host: 'evil.example.com' })).status).toBe(403);
    expect((await raw(up.port, 'GET', '/ui/', { host: 'evil.example.com' })).status).toBe(403);
    expect((await raw(up.port, 'GET', '/not-a-route/', {})).status).toBe(404);
  });
});
