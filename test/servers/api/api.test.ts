/**
 * `patchbay server api` against the specs of @readme/oas-examples and a recording mock API on
 * 127.0.0.1: names, encoding, validation, read-only by default, base URL from the entry only,
 * response caps and redaction, and circular schemas. Auth and large specs have files of their own.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectApi, json, spec, startMockApi, type MockApi } from './helpers.js';

let mock: MockApi;
beforeAll(async () => {
  mock = await startMockApi();
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.requests.length = 0;
  mock.routes.length = 0;
});

describe('tool names', () => {
  it('are the operationIds in snake_case, and the same on every load', async () => {
    const first = await connectApi({ spec: spec('3.0', 'petstore'), baseUrl: mock.url });
    const second = await connectApi({ spec: spec('3.0', 'petstore'), baseUrl: mock.url });
    const names = await first.toolNames();
    expect(names).toEqual(expect.arrayContaining(['add_pet', 'find_pets_by_status', 'get_pet_by_id', 'update_pet_with_form', 'login_user', 'get_user_by_name']));
    expect(await second.toolNames()).toEqual(names);
    await Promise.all([first.close(), second.close()]);
  });

  it('come from method and path when a spec has no operationIds', async () => {
    const c = await connectApi({ spec: spec('3.0', 'security'), baseUrl: mock.url });
    expect(await c.toolNames()).toEqual(expect.arrayContaining(['get_anything_api_key', 'post_anything_api_key', 'put_anything_api_key', 'post_anything_basic']));
    await c.close();
  });

  it('are at most 64 characters, shortened with a stable hash that keeps near-identical ids apart', async () => {
    const long = 'retrieveTheCompleteListOfAllConfigurationItemsForTheSpecifiedCompany';
    const doc = {
      openapi: '3.0.3',
      info: { title: 'long names', version: '1' },
      paths: {
        '/a': { get: { operationId: `${long}ByIdentifier`, responses: { 200: { description: 'ok' } } } },
        '/b': { get: { operationId: `${long}ByName`, responses: { 200: { description: 'ok' } } } },
        '/c': { get: { operationId: 'getThing', responses: { 200: { description: 'ok' } } } },
        '/d': { get: { operationId: 'get_thing', responses: { 200: { description: 'ok' } } } },
      },
    };
    const file = join(mkdtempSync(join(tmpdir(), 'api-names-')), 'long.json');
    writeFileSync(file, JSON.stringify(doc));
    const load = async () => {
      const c = await connectApi({ spec: file, baseUrl: mock.url });
      const names = await c.toolNames();
      await c.close();
      return names;
    };
    const names = await load();
    expect(names).toHaveLength(4);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(64);
    expect(new Set(names).size).toBe(4);
    expect(names[0]).toMatch(/^retrieve_the_complete_list_of_all_configuration_items_f_[0-9a-f]{8}$/);
    // getThing and get_thing both snake_case to get_thing: both get a hash, neither wins silently.
    expect(names.slice(2).every((n) => /^get_thing_[0-9a-f]{8}$/.test(n))).toBe(true);
    expect(await load()).toEqual(names);
  });
});

describe('requests', () => {
  it('go to the entry\'s base URL, whatever the spec\'s servers say (3.0, 3.1 and 2.0)', async () => {
    for (const version of ['3.0', '3.1', '2.0'] as const) {
      const c = await connectApi({ spec: spec(version, 'petstore'), baseUrl: `${mock.url}/v2` });
      const result = await c.call('find_pets_by_status', { query: { status: ['available', 'sold'] } });
      expect(result.isError, result.text).toBe(false);
      await c.close();
    }
    expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v2/pet/findByStatus?status=available&status=sold',
      'GET /v2/pet/findByStatus?status=available&status=sold',
      'GET /v2/pet/findByStatus?status=available&status=sold',
    ]);
    const variables = await connectApi({ spec: spec('3.0', 'server-variables'), baseUrl: `${mock.url}/mine`, allowWrites: true });
    await variables.call('post_global');
    expect(mock.requests.at(-1)?.url).toBe('/mine/global');
    await variables.close();
  });

  it('encode a path value as one segment, so it cannot reach another endpoint', async () => {
    const c = await connectApi({ spec: spec('3.0', 'petstore'), baseUrl: mock.url });
    await c.call('get_user_by_name', { path: { username: 'a/b?c#d' } });
    // URL parsers treat `%2E%2E` as `..` (WHATWG URL, path state): such a value is refused.
    const climb = await c.call('get_user_by_name', { path: { username: '..' } });
    expect(climb).toMatchObject({ isError: true, text: expect.stringContaining('path.username: "." and ".." cannot be path segments') });
    await c.call('login_user', { query: { username: 'ann lee', password: 'p&w=1+2' } });
    expect(mock.requests.map((r) => r.url)).toEqual(['/user/a%2Fb%3Fc%23d', '/user/login?username=ann%20lee&password=p%26w%3D1%2B2']);
    await c.close();
  });

  it('serialize every parameter style of OpenAPI 3.0 §4.7.12.4', async () => {
    const c = await connectApi({ spec: spec('3.0', 'parameters-style'), baseUrl: mock.url, allowWrites: true });
    const path = { primitive: 'blue', array: ['blue', 'black'], object: { name: 'rex', description: 'big dog' } };
    await c.call('paths_label_non_exploded', { path });
    await c.call('paths_matrix_exploded', { path });
    await c.call('paths_simple_exploded', { path });
    await c.call('query_form_exploded', { query: { primitive: 'blue', array: ['blue', 'black'], object: { name: 'rex', description: 'big dog' } } });
    await c.call('query_form_non_exploded', { query: { array: ['blue', 'black'], object: { name: 'rex', description: 'big dog' } } });
    await c.call('query_space_delimited_non_exploded', { query: { array: ['blue', 'black'] } });
    await c.call('query_pipe_delimited_non_exploded', { query: { array: ['blue', 'black'] } });
    await c.call('query_deep_object_non_exploded', { query: { object: { name: 'rex', description: 'big dog' } } });
    await c.call('headers_simple_exploded', { headers: { primitive: 'blue', array: ['blue', 'black'], object: { name: 'rex', description: 'big dog' } } });
    await c.call('cookies_form_non_exploded', { cookies: { primitive: 'blue', array: ['blue', 'black'] } });
    const [label, matrix, simple, form, formNo, space, pipe, deep, header, cookie] = mock.requests;
    expect(label!.url).toBe('/anything/path/label/.blue/.blue,black/.name,rex,description,big%20dog');
    expect(matrix!.url).toBe('/anything/path/matrix/;primitive=blue/;array=blue;array=black/;name=rex;description=big%20dog');
    expect(simple!.url).toBe('/anything/path/simple/blue/blue,black/name=rex,description=big%20dog');
    expect(form!.query).toBe('primitive=blue&array=blue&array=black&name=rex&description=big%20dog');
    expect(formNo!.query).toBe('array=blue,black&object=name,rex,description,big%20dog');
    expect(space!.query).toBe('array=blue%20black');
    expect(pipe!.query).toBe('array=blue|black');
    expect(deep!.query).toBe('object[name]=rex&object[description]=big%20dog');
    expect([header!.headers.primitive, header!.headers.array, header!.headers.object]).toEqual(['blue', 'blue,black', 'name=rex,description=big dog']);
    expect(cookie!.headers.cookie).toBe('primitive=blue; array=blue%2Cblack');
    await c.close();
  });

  it('send a JSON body as JSON, and a form body form-encoded (Swagger 2.0 formData too)', async () => {
    const c = await connectApi({ spec: spec('3.0', 'petstore'), baseUrl: mock.url, allowWrites: true });
    const added = await c.call('add_pet', { body: { name: 'doggie', photoUrls: ['https://example.com/p.png'], status: 'available' } });
    expect(added.isError, added.text).toBe(false);
    await c.call('update_pet_with_form', { path: { petId: 7 }, body: { name: 'rex', status: 'sold' } });
    await c.close();
    const swagger = await connectApi({ spec: spec('2.0', 'petstore'), baseUrl: mock.url, allowWrites: true });
    await swagger.call('update_pet_with_form', { path: { petId: 8 }, body: { name: 'fido' } });
    await swagger.close();
    const [json1, form, form2] = mock.requests;
    expect(json1!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(json1!.body)).toEqual({ name: 'doggie', photoUrls: ['https://example.com/p.png'], status: 'available' });
    expect(form!.url).toBe('/pet/7');
    expect(form!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(form!.body).toBe('name=rex&status=sold');
    expect(form2!.body).toBe('name=fido');
  });
});

describe('validation', () => {
  it('names the field, and nothing is sent', async () => {
    const c = await connectApi({ spec: spec('3.0', 'petstore'), baseUrl: mock.url, allowWrites: true });
    const wrongType = await c.call('get_pet_by_id', { path: { petId: 'abc' } });
    const missing = await c.call('add_pet', { body: { photoUrls: [] } });
    const unknown = await c.call('get_pet_by_id', { path: { petId: 1 }, query: { admin: true } });
    const unknownInBody = await c.call('add_pet', { body: { name: 'x', photoUrls: [], owner: 'me' } });
    const badEnum = await c.call('find_pets_by_status', { query: { status: ['lost'] } });
    const noArgs = await c.call('find_pets_by_status', {});
    expect(wrongType).toMatchObject({ isError: true });
    expect(wrongType.text).toContain('path.petId: must be integer');
    expect(missing.text).toContain('body.name is required');
    expect(unknown.text).toContain('query: unknown argument');
    expect(unknownInBody.text).toContain('body.owner: unknown argument');
    expect(badEnum.text).toMatch(/query\.status\[0\]: must be one of \["available","pending","sold"\]/);
    expect(noArgs.text).toContain('query is required');
    for (const r of [missing, unknown, unknownInBody, badEnum, noArgs]) expect(r.isError).toBe(true);
    expect(mock.requests).toEqual([]);
    await c.close();
  });

  it('never lets arguments set Authorization, Cookie or Host', async () => {
    const doc = {
      openapi: '3.0.3',
      info: { title: 'headers', version: '1' },
      paths: {
        '/x': {
          get: {
            operationId: 'getX',
            parameters: ['Authorization', 'Host', 'Cookie', 'X-Trace'].map((name) => ({ name, in: 'header', schema: { type: 'string' } })),
            responses: { 200: { description: 'ok' } },
          },
        },
      },
    };
    const file = join(mkdtempSync(join(tmpdir(), 'api-headers-')), 'headers.json');
    writeFileSync(file, JSON.stringify(doc));
    const c = await connectApi({ spec: file, baseUrl: mock.url });
    const tool = (await c.client.listTools()).tools[0]!;
    expect(Object.keys((tool.inputSchema.properties as { headers: { properties: object } }).headers.properties)).toEqual(['X-Trace']);
    const refused = await c.call('get_x', { headers: { Authorization: 'Bearer stolen', 'X-Trace': '1' } });
    expect(refused.text).toContain('headers.Authorization: unknown argument');
    expect(mock.requests).toEqual([]);
    await c.call('get_x', { headers: { 'X-Trace': 'line\r\nHost: evil' } });
    expect(mock.requests).toEqual([]);
    await c.close();
  });
});

describe('read-only by default', () => {
  it('marks reads readOnlyHint and writes destructiveHint, and refuses a write without --allow-writes', async () => {
    const c = await connectApi({ spec: spec('3.0', 'petstore'), baseUrl: mock.url });
    const tools = (await c.client.listTools()).tools;
    expect(tools.find((t) => t.name === 'get_pet_by_id')?.annotations).toMatchObject({ readOnlyHint: true });
    expect(tools.find((t) => t.name === 'delete_pet')?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    const refused = await c.call('delete_pet', { path: { petId: 1 } });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/Refused: delete_pet \(DELETE \/pet\/\{petId\}\) changes data.*--allow-writes/s);
    expect(mock.requests).toEqual([]);
    await c.close();
  });
});

describe('responses', () => {
  it('cut long arrays with a hint naming the paging parameters, cap the bytes, and pretty-print JSON', async () => {
    mock.routes.push((req, res) => req.path === '/pet/findByTags' && json(res, 200, Array.from({ length: 500 }, (_, id) => ({ id, name: `pet ${id}` }))));
    mock.routes.push((req, res) => req.path === '/user/login' && (res.writeHead(200, { 'content-type': 'text/plain' }), res.end('x'.repeat(200_000)), true));
    const c = await connectApi({ spec: spec('3.0', 'petstore'), baseUrl: mock.url, maxItems: '20', maxBytes: '4000' });
    const list = await c.call('find_pets_by_tags', { query: { tags: ['a'] } });
    expect(list.text).toContain('HTTP 200');
    expect(list.text).toContain('"name": "pet 19"');
    expect(list.text).not.toContain('"name": "pet 20"');
    expect(list.text).toContain('arrays shortened to 20 items: $ (500 items)');
    const big = await c.call('login_user', { query: { username: 'u', password: 'p' } });
    expect(Buffer.byteLength(big.text)).toBeLessThan(4300);
    expect(big.text).toContain('output cut at 4000 bytes');
    await c.close();
  });

  it('redact the credentials this server holds, even when the API echoes them', async () => {
    mock.routes.push((req, res) => json(res, 401, { error: `invalid key ${String(req.headers['x-api-key'])}`, self: `${mock.url}/x?api_key=${String(req.headers['x-api-key'])}` }));
    const c = await connectApi({ spec: spec('3.0', 'security'), baseUrl: mock.url, allowWrites: true, authEnv: ['apiKey_header=SEC_KEY'] }, { SEC_KEY: 'k3y-value-2718' });
    const result = await c.call('put_anything_api_key');
    expect(mock.requests[0]!.headers['x-api-key']).toBe('k3y-value-2718');
    expect(result.isError).toBe(true);
    expect(result.text).toContain('HTTP 401');
    expect(result.text).not.toContain('k3y-value-2718');
    expect(result.text).toContain('invalid key ***');
    await c.close();
  });

  it('an unreachable API is an error result naming the origin, not a crash', async () => {
    const closed = await startMockApi();
    await closed.close();
    const c = await connectApi({ spec: spec('3.0', 'petstore'), baseUrl: `${closed.url}/v2` });
    const result = await c.call('get_pet_by_id', { path: { petId: 1 } });
    expect(result).toMatchObject({ isError: true });
    expect(result.text).toBe(`could not reach ${closed.url}: ECONNREFUSED`);
    await c.close();
  });
});

describe('specs', () => {
  it('circular schemas load (3.0 and 2.0) and a nested body passes to the cycle', async () => {
    const c = await connectApi({ spec: spec('3.0', 'circular-request-bodies'), baseUrl: mock.url, allowWrites: true });
    const tools = (await c.client.listTools()).tools;
    expect(tools.length).toBeGreaterThan(0);
    expect(JSON.stringify(tools[0]!.inputSchema)).toContain('recursive');
    await c.close();
    const s = await connectApi({ spec: spec('2.0', 'schema-circular'), baseUrl: mock.url, allowWrites: true });
    expect(await s.toolNames()).toEqual(['post_post']);
    await s.close();
  });

  it('petstore-expanded in 3.0 and 2.0: an operationId with spaces, int32 ranges, an array query', async () => {
    for (const version of ['3.0', '2.0'] as const) {
      const c = await connectApi({ spec: spec(version, 'petstore-expanded'), baseUrl: `${mock.url}/api` });
      expect(await c.toolNames()).toEqual(['find_pets', 'add_pet', 'find_pet_by_id', 'delete_pet']);
      await c.call('find_pets', { query: { tags: ['cat', 'dog'], limit: 10 } });
      const tooBig = await c.call('find_pets', { query: { limit: 2 ** 31 } });
      expect(tooBig.text).toContain('query.limit: must match format "int32"');
      await c.call('find_pet_by_id', { path: { id: 12 } });
      await c.close();
    }
    expect(mock.requests.map((r) => r.url)).toEqual(['/api/pets?tags=cat&tags=dog&limit=10', '/api/pets/12', '/api/pets?tags=cat,dog&limit=10', '/api/pets/12']);
  });

  it('loads a YAML spec from a URL', async () => {
    const yaml = [
      'openapi: 3.1.0',
      'info: { title: yaml api, version: "1" }',
      'paths:',
      '  /items/{id}:',
      '    get:',
      '      operationId: getItem',
      '      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]',
      '      responses: { "200": { description: ok } }',
    ].join('\n');
    mock.routes.push((req, res) => req.path === '/openapi.yaml' && (res.writeHead(200, { 'content-type': 'application/yaml' }), res.end(yaml), true));
    const c = await connectApi({ spec: `${mock.url}/openapi.yaml`, baseUrl: `${mock.url}/api` });
    expect(await c.toolNames()).toEqual(['get_item']);
    await c.call('get_item', { path: { id: 'x y' } });
    expect(mock.requests.map((r) => r.url)).toEqual(['/openapi.yaml', '/api/items/x%20y']);
    await c.close();
  });

  it('a missing --base-url is refused with the spec\'s servers as a hint', async () => {
    await expect(connectApi({ spec: spec('3.0', 'server-variables'), baseUrl: '' })).rejects.toMatchObject({
      message: expect.stringContaining('--base-url is required'),
      hint: expect.stringContaining('https://demo.example.com:443/v2'),
    });
  });

  it('a file that is not an API description is refused, saying which file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'api-bad-')), 'bad.json');
    writeFileSync(file, '{"hello": "world"}');
    await expect(connectApi({ spec: file, baseUrl: mock.url })).rejects.toMatchObject({ message: expect.stringContaining(`${file} is not an OpenAPI or Swagger 2.0 document`) });
    writeFileSync(file, JSON.stringify({ openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: { '/a': { get: { responses: {} } } }, components: { schemas: { A: { $ref: 'other.json#/B' } } } }));
    await expect(connectApi({ spec: file, baseUrl: mock.url })).rejects.toMatchObject({ message: expect.stringContaining(file) });
  });
});
