/**
 * The core of `patchbay pins list | diff | approve` (the CLI in src/cli/commands/pins.ts only
 * parses and prints). They work on the pin store the hub writes; an approval is seen by a
 * running hub within a second (guard.ts) and released there.
 */
import { loadRegistry, resolveServers } from '../../config/registry.js';
import { PatchbayError } from '../../errors.js';
import type { DefinitionKind } from '../scan/types.js';
import { printable } from '../scan/unicode.js';
import { diffLines, prettyDefinition } from './diff.js';
import { kindNoun } from './evaluate.js';
import { pinOrigin } from './guard.js';
import { renderFinding } from '../scan/render.js';
import { createSecretRedactor, entrySecrets, type Redactor } from '../scan/redact.js';
import { openPinStore, type PendingRecord, type PinListing, type PinOrigin, type PinRecord, type PinStore } from './store.js';

export interface PinsCommandOptions {
  cwd?: string;
  /** Default: the SQLite store in `<data>/patchbay.db`. */
  store?: PinStore;
  databaseFile?: string;
}

async function withStore<T>(options: PinsCommandOptions, run: (store: PinStore) => T | Promise<T>): Promise<T> {
  const store = options.store ?? openPinStore(options.databaseFile);
  try {
    return await run(store);
  } finally {
    if (!options.store) store.close();
  }
}

/** Where a server's pins are: its configured scope for this project, else wherever the store has it. */
async function originOf(server: string, store: PinStore, cwd: string): Promise<PinOrigin> {
  return (await targetOf(server, store, cwd)).origin;
}

async function targetOf(server: string, store: PinStore, cwd: string): Promise<{ origin: PinOrigin; redact: Redactor }> {
  const registry = await loadRegistry({ cwd });
  const configured = resolveServers(registry, { includeUnapproved: true }).find((s) => s.name === server);
  if (configured) return { origin: pinOrigin(configured, registry.projectRoot), redact: createSecretRedactor(entrySecrets(configured)) };
  return { origin: storedOrigin(server, store, registry.projectRoot), redact: (t) => t };
}

function storedOrigin(server: string, store: PinStore, projectRoot: string): PinOrigin {
  const origins = [...new Set(store.list({ server }).servers.map((s) => s.origin))];
  if (origins.length === 1) return origins[0]!;
  if (origins.length === 0) {
    throw new PatchbayError('SERVER_NOT_FOUND', `No pins for a server named "${server}" (it is not configured for ${projectRoot} either)`, {
      hint: 'Pins are made when the hub first lists a server: run `patchbay up`, or `patchbay pins list --all` to see every pinned server.',
    });
  }
  throw new PatchbayError('SERVER_AMBIGUOUS', `Server "${server}" is pinned for several projects: ${origins.join(', ')}`, { hint: 'Run the command inside the project the server belongs to.' });
}

export interface PinsListResult {
  projectRoot: string;
  listing: PinListing;
}

export async function listPins(options: PinsCommandOptions & { server?: string; all?: boolean } = {}): Promise<PinsListResult> {
  const registry = await loadRegistry({ cwd: options.cwd ?? process.cwd() });
  return withStore(options, (store) => {
    const listing = store.list(options.server ? { server: options.server } : {});
    const mine = (r: { origin: string }) => options.all || r.origin === 'user' || r.origin === registry.projectRoot;
    return { projectRoot: registry.projectRoot, listing: { servers: listing.servers.filter(mine), pins: listing.pins.filter(mine), pending: listing.pending.filter(mine) } };
  });
}

export interface PinDiff {
  pending: PendingRecord;
  pin: PinRecord | undefined;
  lines: string[];
}

export interface PinsDiffResult {
  server: string;
  origin: PinOrigin;
  diffs: PinDiff[];
  /** When a name was given and it is not quarantined: its pin, if any. */
  pinned?: PinRecord;
}

export async function diffPins(options: PinsCommandOptions & { server: string; name?: string; kind?: DefinitionKind }): Promise<PinsDiffResult> {
  return withStore(options, async (store) => {
    const { origin, redact } = await targetOf(options.server, store, options.cwd ?? process.cwd());
    const state = store.load(origin, options.server);
    const chosen = state.pending.filter((p) => (options.name === undefined || p.name === options.name) && (options.kind === undefined || p.kind === options.kind));
    const diffs = chosen.map((pending) => {
      const pin = state.pins.find((p) => p.kind === pending.kind && p.name === pending.name);
      return { pending, pin, lines: diffLines(pin ? prettyDefinition(pin.definition) : [], prettyDefinition(pending.definition)).map(redact) };
    });
    const pinned = options.name !== undefined && chosen.length === 0 ? state.pins.find((p) => p.name === options.name && (options.kind === undefined || p.kind === options.kind)) : undefined;
    return { server: options.server, origin, diffs, ...(pinned ? { pinned } : {}) };
  });
}

export interface PinsApproveResult {
  server: string;
  origin: PinOrigin;
  approved: PendingRecord[];
}

export async function approvePins(options: PinsCommandOptions & { server: string; name?: string; kind?: DefinitionKind }): Promise<PinsApproveResult> {
  return withStore(options, async (store) => {
    const origin = await originOf(options.server, store, options.cwd ?? process.cwd());
    const approved = store.approve(origin, options.server, { ...(options.name !== undefined ? { name: options.name } : {}), ...(options.kind ? { kind: options.kind } : {}) });
    return { server: options.server, origin, approved };
  });
}

const day = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
const title = (p: { kind: DefinitionKind; name: string }) => `${kindNoun(p.kind)} "${printable(p.name, 80)}"`;

export function renderList(result: PinsListResult): string {
  const { listing } = result;
  if (listing.servers.length === 0) return 'No pins yet: the hub pins each server the first time it lists it (`patchbay up`).\n';
  const out: string[] = [];
  for (const s of listing.servers) {
    const pins = listing.pins.filter((p) => p.origin === s.origin && p.server === s.server);
    const held = listing.pending.filter((p) => p.origin === s.origin && p.server === s.server);
    const where = s.origin === 'user' ? 'user scope' : `project ${s.origin}`;
    out.push(`${held.length > 0 ? '✘' : '✔'} ${s.server} (${where}): ${pins.length} pinned, ${pins.filter((p) => p.trust === 'approved').length} approved by you, ${held.length} quarantined`);
    for (const p of held) out.push(`    quarantined ${title(p)} since ${day(p.firstSeen)}: ${p.detail}`);
  }
  if (listing.pending.length > 0) out.push('', 'Review with `patchbay pins diff SERVER [NAME]`, accept with `patchbay pins approve SERVER [NAME]`.');
  return `${out.join('\n')}\n`;
}

export function renderDiff(result: PinsDiffResult, name?: string): string {
  if (result.diffs.length === 0) {
    if (result.pinned) return `${title(result.pinned)} of server "${result.server}" matches its pin (${result.pinned.trust === 'approved' ? 'approved' : 'trusted on first sight'} ${day(result.pinned.pinnedAt)}); nothing to review.\n`;
    return `Nothing of server "${result.server}"${name ? ` named "${name}"` : ''} is quarantined.\n`;
  }
  const out: string[] = [];
  for (const d of result.diffs) {
    out.push(`${title(d.pending)} of server "${result.server}" — quarantined since ${day(d.pending.firstSeen)}: ${d.pending.detail}`);
    if (d.pin) out.push(`--- pinned ${day(d.pin.pinnedAt)} (${d.pin.trust === 'approved' ? 'approved' : 'trusted on first sight'})`, '+++ now');
    else out.push('--- (no pin: never served)', '+++ now');
    out.push(...(d.lines.length > 0 ? d.lines : ['  (the definition is the same; it is held for what scanning found)']));
    if (d.pending.findings.length > 0) {
      out.push('Findings:');
      for (const f of d.pending.findings) out.push(...renderFinding(f).map((l) => `  ${l}`));
    }
    out.push(`Accept: patchbay pins approve ${result.server} ${d.pending.name}`, '');
  }
  return `${out.join('\n')}`;
}

export function renderApprove(result: PinsApproveResult, name?: string): string {
  if (result.approved.length === 0) return `Nothing of server "${result.server}"${name ? ` named "${name}"` : ''} is waiting for approval.\n`;
  const lines = result.approved.map((p) => `Approved ${title(p)} of server "${result.server}" (${p.detail}).`);
  lines.push('A running hub serves it again within a second.');
  return `${lines.join('\n')}\n`;
}
