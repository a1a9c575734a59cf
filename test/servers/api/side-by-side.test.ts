/**
 * Patchbay's `server api` and @ivotoby/openapi-mcp-server (the anchor; a devDependency only)
 * on the same spec (@readme/oas-examples 3.0 petstore, plus security.json for a query API key)
 * and the same kind of recording mock, each with a mock of its own. A call is "right" when the
 * mock received exactly the request the spec calls for — or, for input the spec forbids and for
 * a write on a read-only entry, when nothing was sent. The table is written to
 * side-by-side.md beside this file; Patchbay must get every call right.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectApi, spec, startMockApi, type MockApi, type Recorded } from './helpers.js';

const require = createRequire(import.meta.url);
const IVOTOBY = require.resolve('@ivotoby/openapi-mcp-server/bin/mcp-server.js');
const TABLE = fileURLToPath(new URL('./side-by-side.md', import.meta.url));
const PETSTORE = spec('3.0', 'petstore');

type Result = { text: string; isError: boolean };
type Caller = (tool: string, args: Record<string, unknown>) => Promise<Result>;
type Instance = 'read' | 'writes' | 'search' | 'apikey';

interface Case {
  name: string;
  instance: Instance;
  ours: [string, Record<string, unknown>];
  theirs: [string, Record<string, unknown>];
  /** Is what reached the mock (requests made by this call) what the spec calls for? */
  right(sent: Recorded[], result: Result): boolean;
}

const nothingSent = (sent: Recorded[]) => sent.length === 0;
const one = (sent: Recorded[], method: string, url: string) => sent.length === 1 && sent[0]!.method === method && sent[0]!.url === url;
const query = (r: Recorded | undefined) => Object.fromEntries(new URLSearchParams(r?.query ?? ''));

const CASES: Case[] = [
  { name: 'array query parameter (form, exploded)', instance: 'read', ours: ['find_pets_by_status', { query: { status: ['available', 'sold'] } }], theirs: ['find-pets-by-status', { status: ['available', 'sold'] }], right: (s) => one(s, 'GET', '/pet/findByStatus?status=available&status=sold') },
  { name: 'integer path parameter', instance: 'read', ours: ['get_pet_by_id', { path: { petId: 5 } }], theirs: ['get-pet-by-id', { petId: 5 }], right: (s) => one(s, 'GET', '/pet/5') },
  { name: 'path value with / ? # stays one segment', instance: 'read', ours: ['get_user_by_name', { path: { username: 'a/b?c#d' } }], theirs: ['get-usr-by-name', { username: 'a/b?c#d' }], right: (s) => one(s, 'GET', '/user/a%2Fb%3Fc%23d') },
  { name: 'path value ".." cannot climb to another endpoint', instance: 'read', ours: ['get_user_by_name', { path: { username: '..' } }], theirs: ['get-usr-by-name', { username: '..' }], right: (s) => s.every((r) => r.path.startsWith('/user/')) },
  { name: 'query values with space & = +', instance: 'read', ours: ['login_user', { query: { username: 'ann lee', password: 'p&w=1+2' } }], theirs: ['login-usr', { username: 'ann lee', password: 'p&w=1+2' }], right: (s) => s.length === 1 && JSON.stringify(query(s[0])) === JSON.stringify({ username: 'ann lee', password: 'p&w=1+2' }) },
  { name: 'wrong type refused (petId "abc")', instance: 'read', ours: ['get_pet_by_id', { path: { petId: 'abc' } }], theirs: ['get-pet-by-id', { petId: 'abc' }], right: (s, r) => nothingSent(s) && r.isError },
  { name: 'missing required parameter refused', instance: 'read', ours: ['find_pets_by_status', {}], theirs: ['find-pets-by-status', {}], right: (s, r) => nothingSent(s) && r.isError },
  { name: 'unknown argument refused', instance: 'read', ours: ['get_pet_by_id', { path: { petId: 1 }, query: { admin: true } }], theirs: ['get-pet-by-id', { petId: 1, admin: true }], right: (s, r) => nothingSent(s) && r.isError },
  { name: 'enum violation refused', instance: 'read', ours: ['find_pets_by_status', { query: { status: ['lost'] } }], theirs: ['find-pets-by-status', { status: ['lost'] }], right: (s, r) => nothingSent(s) && r.isError },
  { name: 'write refused on a read-only entry', instance: 'read', ours: ['delete_pet', { path: { petId: 1 } }], theirs: ['del-pet', { petId: 1 }], right: (s, r) => nothingSent(s) && r.isError },
  {
    name: 'JSON body (writes allowed)',
    instance: 'writes',
    ours: ['add_pet', { body: { name: 'doggie', photoUrls: [] } }],
    theirs: ['add-pet', { name: 'doggie', photoUrls: [] }],
    right: (s) => s.length === 1 && s[0]!.method === 'POST' && s[0]!.url === '/pet' && /^application\/json/.test(String(s[0]!.headers['content-type'])) && s[0]!.body === '{"name":"doggie","photoUrls":[]}',
  },
  { name: 'required body field missing refused', instance: 'writes', ours: ['add_pet', { body: { photoUrls: [] } }], theirs: ['add-pet', { photoUrls: [] }], right: (s, r) => nothingSent(s) && r.isError },
  { name: 'form body (writes allowed)', instance: 'writes', ours: ['update_pet_with_form', { path: { petId: 7 }, body: { name: 'rex' } }], theirs: ['upd-pet-form', { petId: 7, name: 'rex' }], right: (s) => one(s, 'POST', '/pet/7') && s[0]!.body === 'name=rex' },
  { name: 'header parameter (writes allowed)', instance: 'writes', ours: ['delete_pet', { path: { petId: 3 }, headers: { api_key: 'k' } }], theirs: ['del-pet', { petId: 3, api_key: 'k' }], right: (s) => one(s, 'DELETE', '/pet/3') && s[0]!.headers.api_key === 'k' },
  {
    name: 'path parameter through the large-spec tools',
    instance: 'search',
    ours: ['api_call', { operation_id: 'getPetById', path: { petId: 42 } }],
    theirs: ['invoke-api-endpoint', { endpoint: '/pet/{petId}', method: 'GET', params: { petId: 42 } }],
    right: (s) => one(s, 'GET', '/pet/42'),
  },
  { name: 'API key in a query parameter (security scheme)', instance: 'apikey', ours: ['get_anything_api_key', {}], theirs: ['query-parameter', {}], right: (s) => s.length === 1 && query(s[0]).apiKey === 'key-1234' },
];

interface SideRun {
  call: Caller;
  mock: MockApi;
  close(): Promise<void>;
}

async function ours(instance: Instance): Promise<SideRun> {
  const mock = await startMockApi();
  const c =
    instance === 'apikey'
      ? await connectApi({ spec: spec('3.0', 'security'), baseUrl: mock.url, authEnv: ['apiKey_query=API_KEY'] }, { API_KEY: 'key-1234' })
      : await connectApi({ spec: PETSTORE, baseUrl: mock.url, allowWrites: instance === 'writes', mode: instance === 'search' ? 'search' : 'auto' });
  return { call: c.call, mock, close: async () => (await c.close(), await mock.close()) };
}

async function theirs(instance: Instance): Promise<SideRun> {
  const mock = await startMockApi();
  const args =
    instance === 'apikey'
      ? ['--openapi-spec', spec('3.0', 'security'), '--api-base-url', mock.url]
      : ['--openapi-spec', PETSTORE, '--api-base-url', mock.url, ...(instance === 'search' ? ['--tools', 'dynamic'] : [])];
  const client = new Client({ name: 'side-by-side', version: '1' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [IVOTOBY, ...args], env: { ...(process.env as Record<string, string>), API_KEY: 'key-1234' }, stderr: 'pipe' }));
  return {
    mock,
    async call(tool, a) {
      try {
        const r = (await client.callTool({ name: tool, arguments: a })) as { content: Array<{ text?: string }>; isError?: boolean };
        return { text: r.content.map((c) => c.text ?? '').join('\n'), isError: r.isError === true };
      } catch (error) {
        return { text: String(error), isError: true };
      }
    },
    close: async () => (await client.close(), await mock.close()),
  };
}

describe('side by side with @ivotoby/openapi-mcp-server', () => {
  const rows: Array<{ name: string; ours: boolean; theirs: boolean; theirsSent: string }> = [];
  const runs = new Map<string, SideRun>();
  beforeAll(async () => {
    for (const instance of ['read', 'writes', 'search', 'apikey'] as const) {
      runs.set(`ours:${instance}`, await ours(instance));
      runs.set(`theirs:${instance}`, await theirs(instance));
    }
  }, 60_000);
  afterAll(async () => {
    for (const run of runs.values()) await run.close();
  });

  it('gets every call right and records the table', { timeout: 60_000 }, async () => {
    for (const c of CASES) {
      const outcome = async (side: 'ours' | 'theirs') => {
        const run = runs.get(`${side}:${c.instance}`)!;
        const before = run.mock.requests.length;
        const [tool, args] = side === 'ours' ? c.ours : c.theirs;
        const result = await run.call(tool, args);
        const sent = run.mock.requests.slice(before);
        return { right: c.right(sent, result), sent: sent.map((r) => `${r.method} ${r.url}`).join(', ') || (result.isError ? 'refused' : 'nothing') };
      };
      const mine = await outcome('ours');
      const anchor = await outcome('theirs');
      rows.push({ name: c.name, ours: mine.right, theirs: anchor.right, theirsSent: anchor.sent });
    }
    const mark = (ok: boolean) => (ok ? '✔' : '✘');
    const table = [
      '# `patchbay server api` vs `@ivotoby/openapi-mcp-server` 1.16.1',
      '',
      'Written by test/servers/api/side-by-side.test.ts: the same spec (@readme/oas-examples 3.0 petstore;',
      'security.json for the query API key) against a recording mock on 127.0.0.1. Right = the mock got exactly',
      'the request the spec calls for, or nothing for input the spec forbids and for a write on a read-only entry.',
      '',
      '| call | Patchbay | ivotoby | what ivotoby sent |',
      '| --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.name} | ${mark(r.ours)} | ${mark(r.theirs)} | ${r.theirsSent.replace(/\|/g, '\\|')} |`),
      '',
      `Right: Patchbay ${rows.filter((r) => r.ours).length}/${rows.length}, ivotoby ${rows.filter((r) => r.theirs).length}/${rows.length}.`,
      '',
    ].join('\n');
    writeFileSync(TABLE, table);
    expect(rows.filter((r) => !r.ours).map((r) => r.name)).toEqual([]);
  });
});
