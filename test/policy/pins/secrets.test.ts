/**
 * A server that quotes its own credential in a poisoned description: the hub's refusal, its log
 * lines, the stored quarantine and `pins diff` must all leave the credential out.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffPins, renderDiff, listPins, renderList } from '../../../src/policy/pins/commands.js';
import { createPinGuard } from '../../../src/policy/pins/guard.js';
import { openPinStore } from '../../../src/policy/pins/store.js';
import { entrySecrets } from '../../../src/policy/scan/redact.js';
import { fakeClient, testHub } from '../../hub/helpers.js';
import { fixtureServer } from '../fixture-servers.js';

const TOKEN = 'sk-Live-9Zx8Yw7Vu6Ts5Rq4';
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('secrets in definitions', () => {
  it('stay out of refusals, logs, the store and pins diff', async () => {
    const server = fixtureServer('leaky', 'poisoned/leaky.mjs', { env: { API_TOKEN: TOKEN } });
    writeFileSync(join(process.env.HOME!, '.claude.json'), JSON.stringify({ mcpServers: { leaky: server.entry } }));
    const file = join(mkdtempSync(join(tmpdir(), 'patchbay-pins-')), 'patchbay.db');
    const store = openPinStore(file);
    const logs: string[] = [];
    const guard = createPinGuard({ store, servers: [server], projectRoot: '/p', log: (l) => logs.push(l), secretsOf: () => entrySecrets(server), pollMs: 0 });
    const hub = testHub([server], { guards: [guard] });
    stop = async () => {
      await hub.stop();
      store.close();
    };
    await hub.start();
    const refusal = await hub.request('tools/call', { name: 'leaky__call_api', arguments: {} }, fakeClient('s')).then(() => '', (e: Error) => e.message);
    expect(refusal).toContain('is quarantined: description scanning found');
    const seen = [refusal, ...logs, JSON.stringify(store.list()), renderDiff(await diffPins({ server: 'leaky', store }), undefined), renderList(await listPins({ store }))];
    expect(seen.join('\n').toLowerCase()).toContain('***');
    for (const text of seen) expect(text.toLowerCase()).not.toContain(TOKEN.toLowerCase());
  });
});
