/**
 * Secrets in tool traffic, through a real hub and a fixture SDK server that echoes its
 * arguments and returns planted secrets: block (the default for arguments) keeps the secret from
 * the server and names the rule; redact (the default for results) replaces it in text, resource
 * contents and structured content; log lets it through and records it; a per-tool allow list
 * lets a known false positive pass; a stored secret no pattern knows is caught; a project file
 * cannot weaken the policy; config.json's `servers.<name>.secrets` applies through the gateway's
 * guards; audit events carry rule ids, never values.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScopedServer, ServerEntry } from '../../src/config/types.js';
import type { AuditEvent, AuditSink } from '../../src/policy/audit-sink.js';
import { createSecretsGuard } from '../../src/secrets/traffic/secrets-guard.js';
import { createFileSecretStore } from '../../src/secrets/store/file-store.js';
import { createHubGuards } from '../../src/gateway/guards.js';
import { updatePatchbayConfig } from '../../src/config/patchbay-config.js';
import { fakeClient, testHub, textOf } from '../hub/helpers.js';
import { PLANTED, UNPATTERNED } from './planted.js';

const SERVER = fileURLToPath(new URL('../fixtures/secrets/secret-server.mjs', import.meta.url));
const KEY = PLANTED.anthropic!.value;

function server(name: string, patchbay: ServerEntry['patchbay'] = {}, scope: ScopedServer['scope'] = 'user'): ScopedServer {
  return { name, scope, file: join(process.env.HOME!, '.claude.json'), entry: { command: process.execPath, args: [SERVER], patchbay }, approval: scope === 'project' ? 'approved' : undefined };
}

function memoryAudit(): AuditSink & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return { events, record: (event) => void events.push(event) };
}

async function storeWith(values: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'patchbay-secrets-'));
  const store = createFileSecretStore({ file: join(dir, 'secrets.json'), keyFile: join(dir, 'secrets.key'), env: {} });
  for (const [name, value] of Object.entries(values)) await store.set(name, value);
  return store;
}

let hub: ReturnType<typeof testHub> | undefined;
let closeGuard: (() => void) | undefined;
afterEach(async () => {
  await hub?.stop();
  closeGuard?.();
  hub = undefined;
});

async function start(servers: ScopedServer[], extra: { overlay?: Record<string, never> } = {}) {
  const audit = memoryAudit();
  const store = await storeWith({ PASSPHRASE: UNPATTERNED });
  const guard = await createSecretsGuard({ servers, store, audit, ...extra });
  closeGuard = guard.close;
  hub = testHub(servers, { guards: [guard] });
  await hub.start();
  const call = (tool: string, args: Record<string, unknown>) => hub!.request('tools/call', { name: tool, arguments: args }, fakeClient('s'));
  const received = async (name: string) => JSON.parse(textOf(await call(`${name}__received`, {}))) as { count: number; texts: string[] };
  return { audit, call, received };
}

describe('secrets in arguments', () => {
  it('blocks by default, naming the rule; the server never sees the secret', async () => {
    const { audit, call, received } = await start([server('strict')]);
    await expect(call('strict__echo', { text: `use ${KEY} please` })).rejects.toThrow(/refused this call to strict__echo: its arguments hold a secret \(rule anthropic, in arguments\.text\)/);
    expect((await received('strict')).count).toBe(0);
    expect(audit.events).toMatchObject([{ kind: 'secret', server: 'strict', tool: 'echo', rule: 'anthropic', outcome: 'blocked', detail: 'arguments: arguments.text' }]);
    expect(JSON.stringify(audit.events)).not.toContain(KEY);
    expect(textOf(await call('strict__echo', { text: 'nothing secret here' }))).toBe('nothing secret here');
  });

  it('catches a stored secret no pattern knows', async () => {
    const { call, received } = await start([server('strict')]);
    await expect(call('strict__echo', { text: `the phrase is ${UNPATTERNED}` })).rejects.toThrow(/rule stored-secret/);
    expect((await received('strict')).count).toBe(0);
  });

  it('redact and log policies, and a per-tool allow list', async () => {
    const { audit, call, received } = await start([
      server('redacting', { secrets: { arguments: 'redact' } }),
      server('logging', { secrets: 'log' }),
      server('allowing', { secrets: { tools: { echo: { allow: ['anthropic'] } } } }),
    ]);
    expect(textOf(await call('redacting__echo', { text: `key ${KEY}` }))).toBe('key [REDACTED:anthropic]');
    expect((await received('redacting')).texts).toEqual(['key [REDACTED:anthropic]']);

    expect(textOf(await call('logging__echo', { text: `key ${KEY}` }))).toBe(`key ${KEY}`);
    expect((await received('logging')).texts).toEqual([`key ${KEY}`]);

    expect(textOf(await call('allowing__echo', { text: `key ${KEY}` }))).toBe(`key ${KEY}`);
    // The allow list names a rule for one tool: another rule is still blocked there.
    await expect(call('allowing__echo', { text: PLANTED.github!.value })).rejects.toThrow(/rule github/);

    expect(audit.events.map((e) => `${e.server}:${e.outcome}:${e.rule}`)).toEqual([
      'redacting:redacted:anthropic',
      'logging:logged:anthropic',
      'logging:logged:anthropic', // the echoed result, logged too
      'logging:logged:anthropic', // and `received`, which quotes what it was sent
      'allowing:blocked:github',
    ]);
    expect(JSON.stringify(audit.events)).not.toContain(KEY);
  });

  it('a project-scope entry cannot weaken the policy', async () => {
    const { call, received } = await start([server('shared', { secrets: { arguments: 'log', allow: ['anthropic'] } }, 'project')]);
    await expect(call('shared__echo', { text: KEY })).rejects.toThrow(/rule anthropic/);
    expect((await received('shared')).count).toBe(0);
  });
});

describe('secrets in results', () => {
  it('redacts by default in text, resource contents and structured content', async () => {
    const { audit, call } = await start([server('leaky', { secrets: { arguments: 'log' } })]);
    const text = await call('leaky__leak', { value: PLANTED.github!.value, where: 'text' });
    expect(text).toEqual({ content: [{ type: 'text', text: 'here it is: [REDACTED:github] (done)' }] });
    const resource = (await call('leaky__leak', { value: PLANTED.slack!.value, where: 'resource' })) as { content: { resource: { text: string } }[] };
    expect(resource.content[0]!.resource.text).toBe('config: [REDACTED:slack]\n');
    const structured = (await call('leaky__leak', { value: PLANTED.openai!.value, where: 'structured' })) as { structuredContent: unknown };
    expect(structured.structuredContent).toEqual({ items: [{ id: 1, note: 'value [REDACTED:openai] here' }], apiToken: '[REDACTED:openai]' });
    const stored = await call('leaky__leak', { value: UNPATTERNED, where: 'text' });
    expect(textOf(stored)).toBe('here it is: [REDACTED:stored-secret] (done)');
    expect(audit.events.filter((e) => e.detail?.startsWith('result')).map((e) => `${e.rule}:${e.outcome}`)).toEqual(['github:redacted', 'slack:redacted', 'openai:redacted', 'openai:redacted', 'stored-secret:redacted']);
    expect(JSON.stringify(audit.events)).not.toMatch(new RegExp([PLANTED.github!.value, PLANTED.slack!.value, UNPATTERNED].join('|')));
  });

  it('block withholds the result; log passes it on', async () => {
    const { call } = await start([server('withheld', { secrets: { arguments: 'log', results: 'block' } }), server('open', { secrets: 'log' })]);
    const blocked = (await call('withheld__leak', { value: PLANTED.github!.value, where: 'text' })) as { isError: boolean };
    expect(blocked.isError).toBe(true);
    expect(textOf(blocked)).toContain('Patchbay withheld the result of withheld__leak: it held a secret (rule github)');
    expect(JSON.stringify(blocked)).not.toContain(PLANTED.github!.value);
    expect(textOf(await call('open__leak', { value: PLANTED.github!.value, where: 'text' }))).toContain(PLANTED.github!.value);
  });
});

describe('the gateway guards', () => {
  it("run the secrets guard by default, with config.json's servers.<name>.secrets", async () => {
    await updatePatchbayConfig((data) => {
      data.servers = { relaxed: { secrets: 'log' } };
      return { changed: true, result: undefined };
    });
    const servers = [server('relaxed'), server('default')];
    const audit = memoryAudit();
    const guards = await createHubGuards({ projectRoot: process.cwd(), servers, env: process.env, log: () => undefined, audit });
    hub = testHub(servers, { guards: guards.guards });
    await hub.start();
    try {
      const call = (tool: string, args: Record<string, unknown>) => hub!.request('tools/call', { name: tool, arguments: args }, fakeClient('s'));
      expect(textOf(await call('relaxed__echo', { text: KEY }))).toBe(KEY);
      await expect(call('default__echo', { text: KEY })).rejects.toThrow(/rule anthropic/);
      expect(audit.events.map((e) => e.outcome)).toEqual(['logged', 'logged', 'blocked']);
    } finally {
      await guards.close();
    }
  });
});
