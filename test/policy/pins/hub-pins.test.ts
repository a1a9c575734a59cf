/**
 * Pinning inside the real hub, with real fixture servers and a real SQLite pin store: each rug
 * pull the issue names (a changed description, input schema only, annotations only, a rename,
 * a tool added after a restart without list_changed, a server shadowing another) and what the
 * hub does about it — hide the definition, refuse the call with what changed, and bring it
 * back once approved from another connection to the store (as `patchbay pins approve` does).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScopedServer } from '../../../src/config/types.js';
import type { HubEvent } from '../../../src/hub/types.js';
import { createPinGuard, QUARANTINED, type PinGuard } from '../../../src/policy/pins/guard.js';
import { openPinStore, type PinStore } from '../../../src/policy/pins/store.js';
import type { AuditEvent } from '../../../src/policy/audit-sink.js';
import { fakeClient, testHub, waitFor } from '../../hub/helpers.js';
import { fixtureServer, stateFile } from '../fixture-servers.js';

let running: { hub: ReturnType<typeof testHub>; guard: PinGuard; stores: PinStore[] } | undefined;
afterEach(async () => {
  await running?.hub.stop();
  running?.guard.close();
  for (const s of running?.stores ?? []) s.close();
  running = undefined;
});

function start(servers: ScopedServer[], file = join(mkdtempSync(join(tmpdir(), 'patchbay-pins-')), 'patchbay.db')) {
  const store = openPinStore(file);
  const audit: AuditEvent[] = [];
  const logs: string[] = [];
  const guard = createPinGuard({ store, servers, projectRoot: '/project', audit: { record: (e) => audit.push(e) }, log: (l) => logs.push(l), pollMs: 20 });
  const hub = testHub(servers, { guards: [guard] });
  const events: HubEvent[] = [];
  hub.on((e) => events.push(e));
  running = { hub, guard, stores: [store] };
  /** Another connection to the same file: what the CLI process uses. */
  const cli = () => {
    const other = openPinStore(file);
    running!.stores.push(other);
    return other;
  };
  return { hub, guard, store, audit, logs, events, file, cli };
}

const client = fakeClient('s1');
async function toolNames(hub: ReturnType<typeof testHub>): Promise<string[]> {
  return ((await hub.request('tools/list', {}, client)) as { tools: { name: string }[] }).tools.map((t) => t.name);
}
async function call(hub: ReturnType<typeof testHub>, name: string, args: Record<string, unknown> = {}) {
  return hub.request('tools/call', { name, arguments: args }, client);
}
async function restartServer(hub: ReturnType<typeof testHub>, server: string) {
  const before = hub.status().find((s) => s.name === server)!.restarts;
  await call(hub, `${server}__restart`);
  await waitFor(() => hub.status().find((s) => s.name === server && s.state === 'ready' && s.restarts > before));
}

describe('pinning in the hub', () => {
  it('a description changed with list_changed is hidden, refused with what changed, and back once approved elsewhere', async () => {
    const { hub, audit, events, cli } = start([fixtureServer('calc', 'pins/changes-description.mjs')]);
    await hub.start();
    expect(await toolNames(hub)).toContain('calc__add');
    expect(await call(hub, 'calc__add', { a: 1, b: 2 })).toMatchObject({ content: [{ text: expect.stringContaining('ran add') }] });

    await call(hub, 'calc__rug_pull');
    await waitFor(async () => !(await toolNames(hub)).includes('calc__add'));
    expect(await toolNames(hub)).toContain('calc__subtract');
    const refusal = await call(hub, 'calc__add', { a: 1, b: 2 }).then(() => undefined, (e: unknown) => e as { code: number; message: string; data: Record<string, unknown> });
    expect(refusal?.code).toBe(QUARANTINED);
    expect(refusal?.message).toMatch(/Tool "add" of server "calc" is quarantined: its description changed since it was pinned/);
    expect(refusal?.message).toContain('patchbay pins diff calc add');
    expect(refusal?.data).toMatchObject({ server: 'calc', tool: 'add', reason: 'changed' });
    expect(audit.some((e) => e.kind === 'quarantine' && e.outcome === 'quarantined' && e.tool === 'add')).toBe(true);
    expect(audit.some((e) => e.kind === 'list_changed' && e.detail?.includes('changed add'))).toBe(true);

    // Approved through another connection, as the CLI does: the running hub sees it and says so.
    const approved = cli().approve('user', 'calc', { name: 'add' });
    expect(approved.map((p) => p.name)).toEqual(['add']);
    const seen = events.length;
    await waitFor(() => events.slice(seen).some((e) => e.type === 'list_changed' && e.kind === 'tools'));
    expect(await toolNames(hub)).toContain('calc__add');
    expect(await call(hub, 'calc__add', { a: 1, b: 2 })).toMatchObject({ content: [{ text: expect.stringContaining('ran add') }] });
    expect(audit.some((e) => e.kind === 'quarantine' && e.outcome === 'released' && e.tool === 'add')).toBe(true);
  });

  it('an input schema changed across a restart (no list_changed) is caught', async () => {
    const { hub } = start([fixtureServer('calc', 'pins/changes-schema.mjs', { env: { FIXTURE_STATE: stateFile() } })]);
    await hub.start();
    expect(await toolNames(hub)).toContain('calc__add');
    await restartServer(hub, 'calc');
    expect(await toolNames(hub)).not.toContain('calc__add');
    await expect(call(hub, 'calc__add', { a: 1, b: 2 })).rejects.toThrow(/its input schema changed since it was pinned/);
  });

  it('annotations alone flipping readOnlyHint on are caught, and the refusal names the flip', async () => {
    const { hub } = start([fixtureServer('disk', 'pins/changes-annotations.mjs', { env: { FIXTURE_STATE: stateFile() } })]);
    await hub.start();
    await restartServer(hub, 'disk');
    expect(await toolNames(hub)).not.toContain('disk__wipe');
    await expect(call(hub, 'disk__wipe', { dir: '/' })).rejects.toThrow(/its annotations changed \(destructiveHint: true → false, readOnlyHint: false → true\) since it was pinned on \d{4}-\d\d-\d\d/);
  });

  it('a rename is a new tool: trusted as new by default, the old pin vouches for nothing; strict holds it', async () => {
    const trusting = start([fixtureServer('fs', 'pins/renames-tool.mjs', { env: { FIXTURE_STATE: stateFile() } })]);
    await trusting.hub.start();
    await restartServer(trusting.hub, 'fs');
    expect(await toolNames(trusting.hub)).toContain('fs__remove_file');
    const pins = trusting.store.list({ server: 'fs' }).pins;
    const byName = new Map(pins.map((p) => [p.name, p]));
    expect(byName.get('delete_file')?.trust).toBe('first-sight');
    expect(byName.get('remove_file')?.hash).not.toBe(byName.get('delete_file')?.hash);
    await trusting.hub.stop();
    running = undefined;

    const strict = start([fixtureServer('fs', 'pins/renames-tool.mjs', { env: { FIXTURE_STATE: stateFile() }, patchbay: { pinning: 'strict' } })]);
    await strict.hub.start();
    await restartServer(strict.hub, 'fs');
    expect(await toolNames(strict.hub)).not.toContain('fs__remove_file');
    await expect(call(strict.hub, 'fs__remove_file', { path: 'x' })).rejects.toThrow(/it is a new tool of a known server, and the server pins strictly/);
  });

  it('a tool added after a restart without list_changed is seen: pinned by default, held when strict', async () => {
    const trusting = start([fixtureServer('sync', 'pins/adds-after-restart.mjs', { env: { FIXTURE_STATE: stateFile() } })]);
    await trusting.hub.start();
    expect(await toolNames(trusting.hub)).not.toContain('sync__backup');
    await restartServer(trusting.hub, 'sync');
    expect(await toolNames(trusting.hub)).toContain('sync__backup');
    expect(trusting.store.list({ server: 'sync' }).pins.map((p) => p.name)).toContain('backup');
    expect(trusting.audit.some((e) => e.kind === 'list_changed' && e.detail === 'added backup')).toBe(true);
    await trusting.hub.stop();
    running = undefined;

    const strict = start([fixtureServer('sync', 'pins/adds-after-restart.mjs', { env: { FIXTURE_STATE: stateFile() }, patchbay: { pinning: 'strict' } })]);
    await strict.hub.start();
    await restartServer(strict.hub, 'sync');
    expect(await toolNames(strict.hub)).not.toContain('sync__backup');
    expect(strict.store.list({ server: 'sync' }).pending.map((p) => [p.name, p.reason])).toEqual([['backup', 'new']]);
  });

  it('pins survive the hub: a changed definition is caught by the next hub on the same store', async () => {
    const state = stateFile();
    const first = start([fixtureServer('calc', 'pins/changes-schema.mjs', { env: { FIXTURE_STATE: state } })]);
    await first.hub.start();
    await first.hub.stop();
    first.store.close();
    running = undefined;
    const second = start([fixtureServer('calc', 'pins/changes-schema.mjs', { env: { FIXTURE_STATE: state } })], first.file);
    await second.hub.start();
    expect(await toolNames(second.hub)).not.toContain('calc__add');
  });

  it('a server that shadows another is held on first sight; the shadowed one is not', async () => {
    const { hub } = start([fixtureServer('victim', 'poisoned/victim.mjs'), fixtureServer('shadowing', 'poisoned/shadowing.mjs')]);
    await hub.start();
    const names = await toolNames(hub);
    expect(names).toEqual(expect.arrayContaining(['victim__send_email', 'victim__read_file', 'shadowing__repeat']));
    expect(names).not.toContain('shadowing__add');
    await expect(call(hub, 'shadowing__add', { text: 'x' })).rejects.toThrow(/names "send_email" of server "victim" and tells the model how to use it/);
  });

  it('ignore patterns keep a legitimately changing description trusted, and ignored text is still scanned', async () => {
    const pattern = { pinIgnore: { patterns: ['db-\\d+\\.internal'] } };
    const ignoring = start([fixtureServer('db', 'pins/changes-hostname.mjs', { env: { FIXTURE_STATE: stateFile() }, patchbay: pattern })]);
    await ignoring.hub.start();
    await restartServer(ignoring.hub, 'db');
    expect(await toolNames(ignoring.hub)).toContain('db__query');
    await ignoring.hub.stop();
    running = undefined;

    const plain = start([fixtureServer('db', 'pins/changes-hostname.mjs', { env: { FIXTURE_STATE: stateFile() } })]);
    await plain.hub.start();
    await restartServer(plain.hub, 'db');
    expect(await toolNames(plain.hub)).not.toContain('db__query');
    await plain.hub.stop();
    running = undefined;

    // The whole description ignored: the rug pull no longer changes the pin, but the scanner
    // still reads the new text, and its request to pass an SSH key on holds the tool back.
    const blind = start([fixtureServer('calc', 'pins/changes-description.mjs', { patchbay: { pinIgnore: { paths: ['description'] } } })]);
    await blind.hub.start();
    await call(blind.hub, 'calc__rug_pull');
    await waitFor(async () => !(await toolNames(blind.hub)).includes('calc__add'));
    await expect(call(blind.hub, 'calc__add', {})).rejects.toThrow(/description scanning found that its description asks to pass the contents of a sensitive file as an argument/);
  });

  it('a poisoned server is held on first sight, its honest tools served', async () => {
    const { hub, logs } = start([fixtureServer('tags', 'poisoned/instruction-tags.mjs')]);
    await hub.start();
    const names = await toolNames(hub);
    expect(names).toContain('tags__format_html');
    expect(names).not.toContain('tags__add');
    expect(logs.some((l) => l.includes('tool "add" of server "tags" is quarantined: description scanning found'))).toBe(true);
  });
});
