/**
 * Each protection of `patchbay server api` against the attack it exists for: a spec that tries
 * to make the process fetch or read something else, a redirect that would carry the key to
 * another host, a catastrophic regular expression, and a base URL with credentials in it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectApi, startMockApi, type MockApi } from './helpers.js';

let api: MockApi;
let elsewhere: MockApi;
beforeAll(async () => {
  api = await startMockApi();
  elsewhere = await startMockApi();
});
afterAll(async () => {
  await api.close();
  await elsewhere.close();
});
beforeEach(() => {
  for (const m of [api, elsewhere]) {
    m.requests.length = 0;
    m.routes.length = 0;
  }
});

function specFile(doc: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'api-attack-')), 'spec.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

const op = (extra: object = {}) => ({ get: { operationId: 'getThing', responses: { 200: { description: 'ok' } }, ...extra } });

describe('attacks on patchbay server api', () => {
  it('a $ref to another URL or file is not followed unless --external-refs', async () => {
    const file = specFile({
      openapi: '3.0.3',
      info: { title: 'refs', version: '1' },
      paths: {
        '/thing': op({ parameters: [{ name: 'q', in: 'query', schema: { $ref: `${elsewhere.url}/steal.json#/Q` } }] }),
        '/other': { get: { operationId: 'getOther', parameters: [{ name: 'p', in: 'query', schema: { $ref: '/etc/passwd#/x' } }], responses: { 200: { description: 'ok' } } } },
      },
    });
    await connectApi({ spec: file, baseUrl: api.url }).then(
      (c) => c.close(),
      () => undefined,
    );
    expect(elsewhere.requests).toEqual([]);
  });

  it('a redirect to another origin is not followed, so the key stays with the API', async () => {
    api.routes.push((req, res) => (res.writeHead(302, { location: `${elsewhere.url}/collect` }), res.end(), true));
    const file = specFile({
      openapi: '3.0.3',
      info: { title: 'redirect', version: '1' },
      components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } },
      security: [{ key: [] }],
      paths: { '/thing': op() },
    });
    const c = await connectApi({ spec: file, baseUrl: api.url, authEnv: ['key=THE_KEY'] }, { THE_KEY: 'key-never-elsewhere' });
    const result = await c.call('get_thing');
    expect(api.requests[0]!.headers['x-key']).toBe('key-never-elsewhere');
    expect(elsewhere.requests).toEqual([]);
    expect(result.text).toContain('HTTP 302');
    await c.close();
  });

  it('a same-origin redirect of a read is followed', async () => {
    api.routes.push((req, res) => req.path === '/thing' && (res.writeHead(301, { location: '/moved' }), res.end(), true));
    const file = specFile({ openapi: '3.0.3', info: { title: 'redirect', version: '1' }, paths: { '/thing': op() } });
    const c = await connectApi({ spec: file, baseUrl: api.url });
    const result = await c.call('get_thing');
    expect(result.text).toContain('HTTP 200');
    expect(api.requests.map((r) => r.path)).toEqual(['/thing', '/moved']);
    await c.close();
  });

  it('a catastrophic pattern in the spec cannot hang a call (RE2, linear time)', async () => {
    const file = specFile({
      openapi: '3.0.3',
      info: { title: 'redos', version: '1' },
      paths: { '/thing': op({ parameters: [{ name: 'name', in: 'query', schema: { type: 'string', pattern: '^(a+)+$' } }] }) },
    });
    const c = await connectApi({ spec: file, baseUrl: api.url });
    // With a backtracking engine this input takes longer than the test's timeout.
    const result = await c.call('get_thing', { query: { name: `${'a'.repeat(5000)}!` } });
    expect(result).toMatchObject({ isError: true, text: expect.stringContaining('query.name: must match pattern') });
    const ok = await c.call('get_thing', { query: { name: 'aaaa' } });
    expect(ok.isError).toBe(false);
    expect(api.requests).toHaveLength(1);
    await c.close();
  });

  it('a base URL with credentials in it is refused', async () => {
    const file = specFile({ openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: { '/thing': op() } });
    await expect(connectApi({ spec: file, baseUrl: 'https://user:hunter2@api.example.com' })).rejects.toMatchObject({
      message: '--base-url must not hold credentials',
    });
  });
});
