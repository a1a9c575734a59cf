import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer, request } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressProxy, parseAuthority, type EgressProxy } from './egress-proxy.js';
import { parseHostRule } from './host-rules.js';

/** Sends raw bytes to the proxy's unix socket and returns what comes back until it closes or `until` matches. */
function raw(socketPath: string, bytes: string, until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      data += d;
      if (until?.test(data)) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
    socket.write(bytes);
  });
}

describe('sandbox egress proxy', () => {
  const echo = createServer((s) => s.on('data', (d) => s.end(`echo:${d}`)));
  const web = createHttpServer((req, res) => res.end(`${req.method} ${req.url} host=${req.headers.host} proxy-auth=${req.headers['proxy-authorization'] ?? 'none'}`));
  const logs: string[] = [];
  let proxy: EgressProxy;
  let echoPort: number;
  let webPort: number;

  beforeAll(async () => {
    echoPort = await new Promise((r) => echo.listen(0, '127.0.0.1', () => r((echo.address() as { port: number }).port)));
    webPort = await new Promise((r) => web.listen(0, '127.0.0.1', () => r((web.address() as { port: number }).port)));
    const socketPath = join(mkdtempSync(join(tmpdir(), 'pb-egress-')), 'p.sock');
    proxy = await createEgressProxy({ rules: [`127.0.0.1:${echoPort}`, `localhost:${webPort}`].map(parseHostRule), socketPath, log: (level, m) => logs.push(`${level} ${m}`) });
  });
  afterAll(async () => {
    await proxy.close();
    echo.close();
    web.close();
  });

  it('tunnels an allowed CONNECT, bytes both ways', async () => {
    const answer = await raw(proxy.address, `CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\nHost: 127.0.0.1:${echoPort}\r\n\r\nping`, /echo:ping/);
    expect(answer).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\necho:ping/);
  });

  it('refuses a CONNECT that is not listed, with the reason, and logs it', async () => {
    const answer = await raw(proxy.address, `CONNECT 127.0.0.1:${webPort} HTTP/1.1\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(answer).toContain(`Refused by the Patchbay sandbox: 127.0.0.1:${webPort} is not in the allow list (127.0.0.1:${echoPort}, localhost:${webPort})`);
    expect(logs.join('\n')).toContain(`warn sandbox egress refused CONNECT 127.0.0.1:${webPort}`);
    expect(await raw(proxy.address, 'CONNECT nonsense HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
  });

  it('forwards plain http in absolute form, without proxy credentials', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ socketPath: proxy.address, path: `http://localhost:${webPort}/a?b=1`, headers: { host: `localhost:${webPort}`, 'proxy-authorization': 'Basic c2VjcmV0' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(`${res.statusCode} ${text}`));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).toBe(`200 GET /a?b=1 host=localhost:${webPort} proxy-auth=none`);
  });

  it('refuses plain http to an unlisted host', async () => {
    const answer = await raw(proxy.address, `GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 403/);
    expect(answer).toContain('example.com:80 is not in the allow list');
  });

  it('parses CONNECT authorities', () => {
    expect(parseAuthority('api.github.com:443')).toEqual({ host: 'api.github.com', port: 443 });
    expect(parseAuthority('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseAuthority('api.github.com')).toBeUndefined();
    expect(parseAuthority('x:0')).toBeUndefined();
  });
});
