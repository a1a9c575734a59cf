/** The generated project's tests (node:test, run on the compiled output). */
export const SERVER_TEST_TS = `/** The server through a real SDK client over the SDK's in-memory transport pair. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { createServer } from '../src/server.js';

async function connect() {
  const server = createServer();
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  return { client, close: async () => { await client.close(); await server.close(); } };
}

test('lists the example tool with its annotations and output schema', async () => {
  const { client, close } = await connect();
  const { tools } = await client.listTools();
  const tool = tools.find((t) => t.name === 'convert_temperature');
  assert.ok(tool, 'convert_temperature is listed');
  assert.equal(tool.annotations?.readOnlyHint, true);
  assert.equal(tool.outputSchema?.type, 'object');
  await close();
});

test('returns structured content', async () => {
  const { client, close } = await connect();
  const result = await client.callTool({ name: 'convert_temperature', arguments: { value: 100, from: 'C', to: 'F' } });
  assert.deepEqual(result.structuredContent, { value: 212, unit: 'F' });
  assert.notEqual(result.isError, true);
  await close();
});

test('reports an impossible temperature as an isError result', async () => {
  const { client, close } = await connect();
  const result = await client.callTool({ name: 'convert_temperature', arguments: { value: -500, from: 'C', to: 'K' } });
  assert.equal(result.isError, true);
  assert.match(JSON.stringify(result.content), /below absolute zero/);
  await close();
});
`;

export const E2E_TEST_TS = `/** The built entries as a host runs them: stdio as a child process, HTTP on 127.0.0.1. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const entry = (name: string) => fileURLToPath(new URL(\`../src/\${name}.js\`, import.meta.url));

test('stdio: a client starts the server and calls its tool', async () => {
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [entry('stdio')], stderr: 'pipe' }));
  const result = await client.callTool({ name: 'convert_temperature', arguments: { value: 0, from: 'C', to: 'K' } });
  assert.deepEqual(result.structuredContent, { value: 273.15, unit: 'K' });
  await client.close();
});

test('http: answers on 127.0.0.1 and refuses a foreign Host (DNS rebinding)', async () => {
  const child = spawn(process.execPath, [entry('http'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        const m = /listening on (\\S+)/.exec(d);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(\`the server exited with \${code}\`)));
    });
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const ok = await fetch(url, { method: 'POST', headers, body: JSON.stringify(init) });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { ...headers, host: 'attacker.example' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.end(JSON.stringify(init));
    });
    assert.equal(status, 403);
  } finally {
    child.kill();
  }
});
`;
