/**
 * Each security scheme of @readme/oas-examples' security.json reaching the mock with its
 * credentials from the environment, OAuth 2 client credentials against a token endpoint on the
 * mock, the ConnectWise-style header template, and a large spec in search/describe/call mode.
 */
import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectApi, json, spec, startMockApi, type MockApi } from './helpers.js';

let mock: MockApi;
let tokenRequests: Array<{ authorization?: string; body: string }>;
beforeAll(async () => {
  mock = await startMockApi();
});
afterAll(() => mock.close());
beforeEach(() => {
  mock.requests.length = 0;
  mock.routes.length = 0;
  tokenRequests = [];
  mock.routes.push((req, res) => {
    if (req.path !== '/oauth/token') return false;
    tokenRequests.push({ authorization: req.headers.authorization, body: req.body });
    return json(res, 200, { access_token: `tok-${tokenRequests.length}-abcdef`, token_type: 'bearer', expires_in: 3600 });
  });
});

const ENV = { KEY: 'key-31415', USER: 'ann', PASS: 'pa:ss', TOKEN: 'bearer-27182', CID: 'client-1', CSECRET: 'secret-16180' };
const BINDINGS = ['apiKey_query=KEY', 'apiKey_header=KEY', 'apiKey_cookie=KEY', 'basic=USER:PASS', 'bearer=TOKEN', 'oauth2_clientCredentials=CID:CSECRET'];

describe('auth per security scheme', () => {
  it('API key in query, header and cookie; basic; bearer; OAuth 2 client credentials', async () => {
    const c = await connectApi(
      { spec: spec('3.0', 'security'), baseUrl: mock.url, allowWrites: true, authEnv: BINDINGS, tokenUrl: [`oauth2_clientCredentials=${mock.url}/oauth/token`] },
      ENV,
    );
    for (const tool of ['get_anything_api_key', 'put_anything_api_key', 'post_anything_api_key', 'post_anything_basic', 'post_anything_bearer', 'put_anything_oauth2', 'put_anything_oauth2']) {
      const result = await c.call(tool);
      expect(result.isError, `${tool}: ${result.text}`).toBe(false);
    }
    const [query, header, cookie, basic, bearer, oauth, oauthAgain] = mock.requests;
    expect(query!.url).toBe('/anything/apiKey?apiKey=key-31415');
    expect(header!.headers['x-api-key']).toBe('key-31415');
    expect(cookie!.headers.cookie).toBe('api_key=key-31415');
    expect(basic!.headers.authorization).toBe(`Basic ${Buffer.from('ann:pa:ss').toString('base64')}`);
    expect(bearer!.headers.authorization).toBe('Bearer bearer-27182');
    expect(oauth!.headers.authorization).toBe('Bearer tok-1-abcdef');
    // The token is cached: one token request for two calls.
    expect(oauthAgain!.headers.authorization).toBe('Bearer tok-1-abcdef');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]!.authorization).toBe(`Basic ${Buffer.from('client-1:secret-16180').toString('base64')}`);
    expect(new URLSearchParams(tokenRequests[0]!.body).get('grant_type')).toBe('client_credentials');
    expect(new URLSearchParams(tokenRequests[0]!.body).get('scope')).toBe('write:things');
    // Only the credentials a scheme asks for go out: no key on the bearer call.
    expect(bearer!.url).toBe('/anything/bearer');
    expect(bearer!.headers['x-api-key']).toBeUndefined();
    await c.close();
  });

  it('hides parameters a scheme fills, and says which binding an unauthenticated call lacked', async () => {
    const c = await connectApi({ spec: spec('3.0', 'petstore'), baseUrl: mock.url, allowWrites: true }, {});
    const schema = (await c.client.listTools()).tools.find((t) => t.name === 'delete_pet')!.inputSchema as unknown as { properties: Record<string, { properties: object }> };
    expect(Object.keys(schema.properties.headers!.properties)).toEqual(['api_key']);
    const bound = await connectApi({ spec: spec('3.0', 'petstore'), baseUrl: mock.url, allowWrites: true, authEnv: ['api_key=KEY'] }, ENV);
    const boundSchema = (await bound.client.listTools()).tools.find((t) => t.name === 'delete_pet')!.inputSchema as unknown as { properties: Record<string, unknown> };
    expect(boundSchema.properties.headers).toBeUndefined();
    const result = await c.call('get_pet_by_id', { path: { petId: 1 } });
    expect(result.text).toContain('no credentials were sent: this operation wants api_key');
    await Promise.all([c.close(), bound.close()]);
  });

  it("never sends the client secret to a token URL off the base URL's origin", async () => {
    const c = await connectApi({ spec: spec('3.0', 'security'), baseUrl: mock.url, allowWrites: true, authEnv: ['oauth2_clientCredentials=CID:CSECRET'] }, ENV);
    const result = await c.call('put_anything_oauth2');
    expect(result.isError).toBe(true);
    expect(result.text).toContain("the spec's token URL http://alt.example.com is not on");
    expect(result.text).toContain('--token-url oauth2_clientCredentials=');
    expect(mock.requests).toEqual([]);
    expect(tokenRequests).toEqual([]);
    await c.close();
  });

  it('a header template builds ConnectWise-style Basic auth and a clientId header', async () => {
    const env = { CW_COMPANY: 'acme', CW_PUBLIC_KEY: 'pub123', CW_PRIVATE_KEY: 'priv456', CW_CLIENT_ID: 'cid-789' };
    const c = await connectApi(
      {
        spec: spec('3.0', 'petstore'),
        baseUrl: mock.url,
        authHeader: ['Authorization: Basic {base64:{CW_COMPANY}+{CW_PUBLIC_KEY}:{CW_PRIVATE_KEY}}', 'clientId: {CW_CLIENT_ID}'],
      },
      env,
    );
    mock.routes.push((req, res) => json(res, 200, { echo: req.headers.authorization, private: 'priv456' }));
    const result = await c.call('get_pet_by_id', { path: { petId: 3 } });
    expect(mock.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('acme+pub123:priv456').toString('base64')}`);
    expect(mock.requests[0]!.headers.clientid).toBe('cid-789');
    expect(result.text).not.toContain('priv456');
    expect(result.text).not.toContain(Buffer.from('acme+pub123:priv456').toString('base64'));
    await c.close();
    await expect(connectApi({ spec: spec('3.0', 'petstore'), baseUrl: mock.url, authHeader: ['clientId {X}'] })).rejects.toMatchObject({ message: expect.stringContaining('expected "Name: template"') });
  });

  it('--auth-env naming a scheme the spec lacks is refused, listing the schemes', async () => {
    await expect(connectApi({ spec: spec('3.0', 'security'), baseUrl: mock.url, authEnv: ['apikey=KEY'] })).rejects.toMatchObject({
      message: expect.stringContaining('the spec has no security scheme "apikey"'),
      hint: expect.stringContaining('apiKey_cookie'),
    });
  });
});

describe('a large spec: api_search, api_describe, api_call', () => {
  it('offers three tools instead of 120, finds by words, describes, and calls', async () => {
    const c = await connectApi({ spec: spec('3.0', 'star-trek'), baseUrl: `${mock.url}/api` });
    expect((await c.toolNames()).sort()).toEqual(['api_call', 'api_describe', 'api_search']);

    const found = await c.call('api_search', { query: 'animal search', method: 'GET' });
    const results = (found.structured as { results: Array<{ operation_id: string; path: string; access: string }> }).results;
    expect(results[0]).toMatchObject({ path: '/animal/search', access: 'read' });

    const described = await c.call('api_describe', { operation_id: results[0]!.operation_id });
    const description = JSON.parse(described.text) as { access: string; input_schema: { properties: Record<string, unknown> }; example: unknown };
    expect(description.access).toBe('read');
    expect(Object.keys(description.input_schema.properties)).toContain('query');

    const byId = (await c.call('api_search', { query: 'get animal' })).structured as { results: Array<{ operation_id: string; path: string }> };
    const get = byId.results.find((r) => r.path === '/animal')!;
    const called = await c.call('api_call', { operation_id: get.operation_id, query: { uid: 'ANMA0000001' } });
    expect(called.isError, called.text).toBe(false);
    expect(mock.requests.at(-1)?.url).toBe('/api/animal?uid=ANMA0000001');

    const invalid = await c.call('api_call', { operation_id: get.operation_id, query: { uid: 'x', bogus: 1 } });
    expect(invalid.text).toContain('query.bogus: unknown argument');
    const write = (await c.call('api_search', { query: 'animal search', method: 'POST' })).structured as { results: Array<{ operation_id: string }> };
    const refused = await c.call('api_call', { operation_id: write.results[0]!.operation_id, body: {} });
    expect(refused.text).toContain('changes data, and this server is read-only');
    expect(mock.requests).toHaveLength(1);
    await c.close();
  });

  it('fills path parameters in api_call (the bug other bridges have: /pet/%7BpetId%7D)', async () => {
    const c = await connectApi({ spec: spec('3.0', 'petstore'), baseUrl: mock.url, mode: 'search' });
    const result = await c.call('api_call', { operation_id: 'getPetById', path: { petId: 42 } });
    expect(result.isError, result.text).toBe(false);
    expect(mock.requests[0]!.url).toBe('/pet/42');
    const describeResult = JSON.parse((await c.call('api_describe', { operation_id: 'addPet' })).text) as { access: string; allowed: boolean; example: { body: { name: string } } };
    expect(describeResult).toMatchObject({ access: 'write', allowed: false });
    expect(describeResult.example.body.name).toBe('doggie');
    await c.close();
  });
});
