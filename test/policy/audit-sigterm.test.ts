/**
 * The audit log loses no event: a real `patchbay up` process (bin/patchbay.js, the guards
 * `up` assembles, patchbay.db in the temporary HOME) serves 16 callers as fast as they go, and
 * is stopped with SIGTERM while they are still calling. Every call a caller got an answer for
 * must be in the audit table afterwards, found by the digest of its (unique) arguments.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claudeJsonPath } from '../../src/config/locations.js';
import { argsDigest } from '../../src/policy/args-digest.js';
import { openAuditStore } from '../../src/policy/audit/store.js';
import { ECHO_SERVER } from '../gateway/helpers/harness.js';
import { PATCHBAY_BIN } from '../helpers/cli.js';
import { writeConfig } from './helpers.js';

const TOKEN = 'pb_sigterm_test_token_0123456789';
const CALLERS = 16;
const STOP_AFTER = 1_500;

let up: ChildProcess | undefined;
afterAll(() => {
  if (up && up.exitCode === null) up.kill('SIGKILL');
});

function startUp(cwd: string): Promise<{ url: string; exited: Promise<number | null> }> {
  up = spawn(process.execPath, [PATCHBAY_BIN, 'up', '--port', '0'], { cwd, env: { ...process.env, PATCHBAY_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => up!.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    up!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /MCP endpoint: (http:\/\/\S+)/.exec(out)?.[1];
      if (url && out.includes('Press Ctrl+C')) resolve({ url, exited });
    });
    up!.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    up!.once('exit', (code) => reject(new Error(`patchbay up exited with ${code}: ${out}`)));
  });
}

function caller(url: string, agent: Agent) {
  const u = new URL(url);
  let session: string | undefined;
  const post = (message: unknown) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const body = JSON.stringify(message);
      const headers: Record<string, string | number> = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body), 'mcp-protocol-version': '2025-11-25' };
      if (session) headers['mcp-session-id'] = session;
      const req = request({ agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          session ??= res.headers['mcp-session-id'] as string | undefined;
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode === 202 || text === '') return resolve({ status: res.statusCode!, body: undefined });
          const data = (res.headers['content-type'] ?? '').includes('text/event-stream') ? text.split('\n').reverse().find((l) => l.startsWith('data: ') && l.length > 7)?.slice(6) : text;
          try {
            resolve({ status: res.statusCode!, body: data === undefined ? undefined : JSON.parse(data) });
          } catch (error) {
            reject(error);
          }
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  return { post };
}

describe('the audit log under load and SIGTERM', () => {
  it('keeps every answered call of 16 callers when `patchbay up` is stopped mid-run', { timeout: 120_000 }, async () => {
    writeConfig({ permissions: { allow: ['mcp__echo'] } });
    writeFileSync(claudeJsonPath(), JSON.stringify({ mcpServers: { echo: { type: 'stdio', command: process.execPath, args: [ECHO_SERVER], env: {} } } }, null, 2));
    const project = mkdtempSync(join(tmpdir(), 'patchbay-sigterm-'));
    const { url, exited } = await startUp(project);
    const agent = new Agent({ keepAlive: true, maxSockets: CALLERS * 2 });
    const answered: string[] = [];
    let stopped = false;
    let sent = 0;

    async function run(worker: number): Promise<void> {
      const c = caller(url, agent);
      const init = await c.post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: `w${worker}`, version: '1' } } });
      expect(init.status).toBe(200);
      await c.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
      for (let n = 1; ; n++) {
        const args = { text: `worker ${worker} call ${n}` };
        sent++;
        let reply: { status: number; body: unknown };
        try {
          reply = await c.post({ jsonrpc: '2.0', id: n, method: 'tools/call', params: { name: 'echo__echo', arguments: args } });
        } catch {
          return; // the hub is gone: this call got no answer
        }
        const body = reply.body as { result?: unknown; error?: unknown } | undefined;
        if (body?.result !== undefined || body?.error !== undefined) answered.push(argsDigest(args));
        if (reply.status !== 200) return;
        if (answered.length >= STOP_AFTER && !stopped) {
          stopped = true;
          up!.kill('SIGTERM');
        }
      }
    }

    await Promise.all(Array.from({ length: CALLERS }, (_, i) => run(i)));
    agent.destroy();
    expect(await exited).toBe(0);
    expect(answered.length).toBeGreaterThanOrEqual(STOP_AFTER);
    expect(sent).toBeGreaterThan(answered.length); // some calls were cut off by the stop

    const audit = openAuditStore(undefined, { retentionDays: 0 });
    const calls = audit.query({ kind: 'call', server: 'echo', tool: 'echo' });
    await audit.close();
    const recorded = new Set(calls.map((e) => e.argsDigest));
    const missing = answered.filter((d) => !recorded.has(d));
    expect(missing).toEqual([]);
    expect(calls.filter((e) => e.outcome === 'ok').length).toBeGreaterThanOrEqual(answered.length - CALLERS);
    expect(calls.every((e) => e.client === 'default' && e.decision === 'allow' && e.rule === 'mcp__echo')).toBe(true);
  });
});
