/**
 * The pin guard (hub/guard.ts): the hub's view of every server's tools, prompts and resource
 * templates, checked against their pins and scanned, before any client sees them.
 *
 * - observeLists (at connect, after list_changed, after every restart): fingerprints and scans
 *   each definition, compares it with its pin (evaluate.ts), writes first-sight pins and the
 *   quarantined set to the store, and records list changes and quarantines in the audit log.
 * - filter hides quarantined definitions from tools/list, prompts/list and templates/list.
 * - before refuses a call to one with a JSON-RPC error that says what changed and how to review it.
 * - Approvals come from another process (`patchbay pins approve`): the store's approvals version
 *   is checked on every list and on calls to quarantined tools (PRAGMA data_version, no I/O),
 *   and once a second by a timer, which tells clients through the hub that the lists changed.
 *
 * Notes left on a refused call (GuardedCall.notes): `pins: { quarantined: reason, detail }`.
 */
import type { ScopedServer } from '../../config/types.js';
import type { ServerLists } from '../../hub/catalog.js';
import type { CallGuard, GuardedItem, GuardedKind } from '../../hub/guard.js';
import { HubRpcError } from '../../hub/types.js';
import { NO_AUDIT, type AuditSink } from '../audit-sink.js';
import { crossCheck, itemsOf, scanDefinition, type DefinitionKind, type Finding, type ScanItem } from '../scan/index.js';
import { createSecretRedactor, type Redactor } from '../scan/redact.js';
import { printable } from '../scan/unicode.js';
import { canonicalJson, fingerprint, pinnedFields, sha256 } from './definition.js';
import { evaluatePins, kindNoun, quarantineId, refusalMessage, type ObservedDefinition, type PinningMode, type Quarantine } from './evaluate.js';
import { compileIgnore, type IgnoreRules } from './ignore.js';
import type { PinOrigin, PinStore, ServerPins } from './store.js';

/** JSON-RPC error for a quarantined definition (implementation-defined range, JSON-RPC 2.0 §5.1). */
export const QUARANTINED = -32005;

export interface PinGuardOptions {
  store: PinStore;
  /** The configured servers: their scope decides the origin, their `patchbay` options the mode and ignore rules. */
  servers: readonly ScopedServer[];
  projectRoot: string;
  audit?: AuditSink;
  log?: (line: string) => void;
  /** How often a running hub looks for approvals when nobody lists or calls (default 1000 ms; 0: never). */
  pollMs?: number;
  now?: () => number;
  /** Each server's own secret values (scan/redact.ts), kept out of findings, refusals, logs and the store. */
  secretsOf?: (server: string) => readonly string[];
}

export interface PinGuard extends CallGuard {
  /** What is held back now, per server. */
  quarantined(): { server: string; quarantine: Quarantine }[];
  close(): void;
}

/** User-scope servers share pins across projects; a project's servers are pinned for that project. */
export function pinOrigin(server: Pick<ScopedServer, 'scope'>, projectRoot: string): PinOrigin {
  return server.scope === 'local' || server.scope === 'project' ? projectRoot : 'user';
}

interface ServerState {
  origin: PinOrigin;
  mode: PinningMode;
  ignore: IgnoreRules;
  redact: Redactor;
  stored: ServerPins;
  items: ScanItem[] | undefined;
  /** Scan results per definition, kept while its JSON stays the same. */
  scans: Map<string, { json: string; findings: Finding[] }>;
  /** kind\0name → pin hash, as last observed (for list_changed audit events). */
  seen: Map<string, string> | undefined;
  quarantined: Map<string, Quarantine>;
}

export function createPinGuard(options: PinGuardOptions): PinGuard {
  const { store } = options;
  const audit = options.audit ?? NO_AUDIT;
  const log = options.log ?? (() => undefined);
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 1000;
  const configured = new Map(options.servers.map((s) => [s.name, s]));
  const states = new Map<string, ServerState>();
  const watchers = new Set<(kinds: readonly GuardedKind[]) => void>();
  let version = store.approvalsVersion();
  let held = 0;
  let timer: NodeJS.Timeout | undefined;
  let pendingNotify: Set<GuardedKind> | undefined;

  function stateOf(server: string): ServerState {
    let st = states.get(server);
    if (st) return st;
    const entry = configured.get(server);
    const patchbay = entry?.entry.patchbay;
    const origin = entry ? pinOrigin(entry, options.projectRoot) : 'user';
    let secrets: readonly string[] = [];
    try {
      secrets = options.secretsOf?.(server) ?? [];
    } catch (error) {
      log(`cannot read the secrets of server "${server}" to keep them out of pins (${error instanceof Error ? error.message : String(error)})`);
    }
    const redact = createSecretRedactor(secrets);
    st = { origin, mode: patchbay?.pinning ?? 'trust-new', ignore: compileIgnore(patchbay?.pinIgnore), redact, stored: { known: false, pins: [], pending: [] }, items: undefined, scans: new Map(), seen: undefined, quarantined: new Map() };
    states.set(server, st);
    st.stored = store.load(origin, server); // may throw: the state exists, so the caller can hold back
    return st;
  }

  function notify(kinds: Iterable<GuardedKind>): void {
    if (watchers.size === 0) return;
    const first = pendingNotify === undefined;
    pendingNotify ??= new Set();
    for (const k of kinds) pendingNotify.add(k);
    // After the hub has rebuilt its catalog, and once per burst.
    if (first) setImmediate(() => {
      const batch = [...(pendingNotify ?? [])];
      pendingNotify = undefined;
      for (const w of watchers) w(batch);
    });
  }

  function observed(server: string, st: ServerState, cross: Map<string, Finding[]>): ObservedDefinition[] {
    return (st.items ?? []).map((item) => {
      const id = `${item.kind}\0${item.name}`;
      const json = JSON.stringify(item.item);
      let scan = st.scans.get(id);
      if (!scan || scan.json !== json) {
        scan = { json, findings: scanDefinition(item).map((f) => ({ ...f, message: st.redact(f.message), ...(f.excerpt !== undefined ? { excerpt: st.redact(f.excerpt) } : {}) })) };
        st.scans.set(id, scan);
      }
      // Pinned (and stored) without the server's own secrets, so the store never holds them and
      // a rotated credential is no change.
      const raw = canonicalJson(pinnedFields(item.kind, item.item));
      const canonical = st.redact(raw);
      const definition = canonical === raw ? pinnedFields(item.kind, item.item) : (JSON.parse(canonical) as Record<string, unknown>);
      const catalogKey = item.kind === 'templates' ? String(item.item.uriTemplate) : item.name;
      return { kind: item.kind, name: item.name, catalogKey, definition, canonical, hash: sha256(canonical), findings: [...scan.findings, ...(cross.get(`${server}\0${id}`) ?? [])] };
    });
  }

  function crossFindings(): Map<string, Finding[]> {
    const all = [...states.entries()].flatMap(([, st]) => st.items ?? []);
    const byItem = new Map<string, Finding[]>();
    for (const f of crossCheck(all)) {
      const id = `${f.server}\0${f.kind}\0${f.name}`;
      byItem.set(id, [...(byItem.get(id) ?? []), f]);
    }
    return byItem;
  }

  /** Evaluates one server against its stored pins, writes what changed, and reports it. */
  function settle(server: string, st: ServerState, cross: Map<string, Finding[]>, retry = true): void {
    if (!st.items) return;
    const defs = observed(server, st, cross);
    const compareHash = (d: Record<string, unknown>) => fingerprint(st.ignore.apply(d));
    const evaluation = evaluatePins({ origin: st.origin, server, mode: st.mode, stored: st.stored, observed: defs, compareHash, now: now() });
    const signature = (list: ServerPins['pending']) => JSON.stringify(list.map((p) => [p.kind, p.name, p.hash, p.reason, p.detail]).sort());
    if (evaluation.add.length > 0 || !st.stored.known || signature(evaluation.pending) !== signature(st.stored.pending)) {
      let committed: boolean;
      try {
        committed = store.commitObservation(st.origin, server, { add: evaluation.add, pending: evaluation.pending }, version);
      } catch (error) {
        // Fail closed: what is held stays held in memory even when the store cannot be written.
        log(`cannot write the pin store (${error instanceof Error ? error.message : String(error)}); holding back in memory only`);
        report(server, st, defs, evaluation.quarantined);
        return;
      }
      if (!committed) {
        // An approval (or another hub's pin) landed in between: read it, then decide again —
        // reload() settles this server once more. A second miss holds back in memory.
        if (retry) reload();
        else report(server, st, defs, evaluation.quarantined);
        return;
      }
      st.stored = { known: true, pins: [...st.stored.pins.filter((p) => !evaluation.add.some((a) => a.kind === p.kind && a.name === p.name)), ...evaluation.add], pending: evaluation.pending };
    }
    report(server, st, defs, evaluation.quarantined);
  }

  function report(server: string, st: ServerState, defs: ObservedDefinition[], next: Map<string, Quarantine>): void {
    const kinds = new Set<GuardedKind>();
    for (const [id, q] of next) {
      const before = st.quarantined.get(id);
      if (before && before.detail === q.detail) continue;
      kinds.add(q.kind);
      const line = `${kindNoun(q.kind)} "${printable(q.name, 80)}" of server "${server}" is quarantined: ${q.detail}. Review: patchbay pins diff ${server} ${q.name}`;
      log(line);
      audit.record({ time: now(), kind: 'quarantine', server, tool: q.name, outcome: 'quarantined', detail: q.detail });
    }
    for (const [id, q] of st.quarantined) {
      if (next.has(id)) continue;
      kinds.add(q.kind);
      const listed = defs.find((d) => quarantineId(d.kind, d.catalogKey) === id);
      if (!listed) continue; // gone from the server's list: nothing was released
      const pin = st.stored.pins.find((p) => p.kind === q.kind && p.name === q.name);
      const how = pin?.trust === 'approved' && pin.hash === listed.hash ? 'approved with `patchbay pins approve`' : 'back to its pinned definition';
      log(`${kindNoun(q.kind)} "${printable(q.name, 80)}" of server "${server}" is served again: ${how}`);
      audit.record({ time: now(), kind: 'quarantine', server, tool: q.name, outcome: 'released', detail: how });
    }
    held += next.size - st.quarantined.size;
    st.quarantined = next;
    if (kinds.size > 0) notify(kinds);
  }

  /** Approvals changed in the store: re-read every server and decide again. */
  function reload(): void {
    version = store.approvalsVersion();
    const cross = crossFindings();
    for (const [server, st] of states) {
      st.stored = store.load(st.origin, server);
      settle(server, st, cross, false);
    }
  }

  function sync(): void {
    if (store.approvalsVersion() !== version) reload();
  }

  function listChanges(server: string, st: ServerState): void {
    const now_ = new Map((st.items ?? []).map((i) => [`${i.kind}\0${i.name}`, sha256(st.redact(canonicalJson(pinnedFields(i.kind, i.item))))]));
    const before = st.seen ?? new Map(st.stored.pins.map((p) => [`${p.kind}\0${p.name}`, p.hash]));
    const added: string[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    for (const [id, hash] of now_) {
      const old = before.get(id);
      if (old === undefined) added.push(id.split('\0')[1]!);
      else if (old !== hash) changed.push(id.split('\0')[1]!);
    }
    if (st.seen) for (const id of st.seen.keys()) if (!now_.has(id)) removed.push(id.split('\0')[1]!);
    st.seen = now_;
    const parts = [added.length > 0 && `added ${added.join(', ')}`, changed.length > 0 && `changed ${changed.join(', ')}`, removed.length > 0 && `removed ${removed.join(', ')}`].filter(Boolean);
    if (parts.length > 0 && st.stored.known) audit.record({ time: now(), kind: 'list_changed', server, detail: printable(parts.join('; '), 500) });
  }

  return {
    name: 'pins',
    observeLists(server: string, lists: ServerLists) {
      const items = itemsOf(server, lists);
      try {
        const st = stateOf(server);
        st.items = items;
        sync();
        listChanges(server, st);
        // Cross-server checks may change any server's verdict (a look-alike arrives, or leaves).
        const cross = crossFindings();
        for (const [name, other] of states) settle(name, other, cross);
      } catch (error) {
        // Fail closed: what could not be checked is not served.
        const st = states.get(server)!;
        st.items = items;
        const why = `it could not be checked (${error instanceof Error ? error.message : String(error)})`;
        const all = new Map(items.map((i) => {
          const catalogKey = i.kind === 'templates' ? String(i.item.uriTemplate) : i.name;
          return [quarantineId(i.kind, catalogKey), { kind: i.kind, name: i.name, catalogKey, reason: 'findings' as const, detail: why }];
        }));
        report(server, st, [], all);
      }
    },
    filter(_client: string, kind: GuardedKind, items: readonly GuardedItem[]) {
      if (kind === 'resources') return items;
      sync();
      if (held === 0) return items;
      const kept = items.filter((i) => !states.get(i.server)?.quarantined.has(quarantineId(kind as DefinitionKind, i.upstream)));
      return kept.length === items.length ? items : kept;
    },
    before(call) {
      if (held === 0) return; // only this hub quarantines: with nothing held, nothing to check
      const kind: DefinitionKind = call.method === 'tools/call' ? 'tools' : 'prompts';
      const id = quarantineId(kind, call.name);
      if (!states.get(call.server)?.quarantined.has(id)) return;
      sync(); // approved a moment ago?
      const q = states.get(call.server)?.quarantined.get(id);
      if (!q) return;
      call.notes.pins = { quarantined: q.reason, detail: q.detail };
      throw new HubRpcError(QUARANTINED, refusalMessage(call.server, q), {
        server: call.server,
        [kind === 'tools' ? 'tool' : 'prompt']: call.name,
        reason: q.reason,
        review: `patchbay pins diff ${call.server} ${call.name}`,
        approve: `patchbay pins approve ${call.server} ${call.name}`,
      });
    },
    watch(changed) {
      watchers.add(changed);
      if (pollMs > 0 && !timer) {
        timer = setInterval(sync, pollMs);
        timer.unref();
      }
      return () => {
        watchers.delete(changed);
        if (watchers.size === 0 && timer) (clearInterval(timer), (timer = undefined));
      };
    },
    quarantined() {
      return [...states.entries()].flatMap(([server, st]) => [...st.quarantined.values()].map((quarantine) => ({ server, quarantine })));
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      watchers.clear();
    },
  };
}
