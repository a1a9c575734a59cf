/**
 * The decision at the heart of pinning, as a pure function of what is stored and what a server
 * just listed (so it can be explained and tested without a hub):
 *
 *   no pin, server never seen             pin it (trust on first sight) unless scanning found errors
 *   no pin, known server, trust-new       pin it (a new tool of a known server) unless errors
 *   no pin, known server, strict          quarantine: "new"
 *   pin differs (after ignore rules)      quarantine: "changed", saying which fields
 *   pin matches, unaccepted errors        quarantine: "findings" (a first-sight pin accepted none)
 *   pin matches, nothing new              serve it
 *
 * A rename is a new name: the old pin stays with the old name and vouches for nothing else.
 */
import type { DefinitionKind, Finding } from '../scan/types.js';
import { printable } from '../scan/unicode.js';
import { describeChange, type Definition } from './definition.js';
import type { PendingRecord, PinOrigin, PinRecord, QuarantineReason, ServerPins } from './store.js';

export type PinningMode = 'trust-new' | 'strict' | 'off';

export interface ObservedDefinition {
  kind: DefinitionKind;
  name: string;
  /** How the catalog knows it: the name, or the URI template for templates (guard.ts GuardedItem.upstream). */
  catalogKey: string;
  definition: Definition;
  /** Canonical JSON of `definition` and its SHA-256. */
  canonical: string;
  hash: string;
  /** Every finding of this definition (only errors quarantine). */
  findings: Finding[];
}

export interface Quarantine {
  kind: DefinitionKind;
  name: string;
  catalogKey: string;
  reason: QuarantineReason;
  detail: string;
  /** When the pin it departs from was made (for "changed since it was pinned on …"). */
  pinnedAt?: number;
}

export interface EvaluateInput {
  origin: PinOrigin;
  server: string;
  mode: PinningMode;
  stored: ServerPins;
  observed: readonly ObservedDefinition[];
  /** The hash two definitions are compared by, with the server's ignore rules applied. */
  compareHash(definition: Definition): string;
  now: number;
}

export interface Evaluation {
  /** By `${kind}\0${catalogKey}`. */
  quarantined: Map<string, Quarantine>;
  /** First-sight pins to write. */
  add: PinRecord[];
  /** The server's whole pending set after this observation. */
  pending: PendingRecord[];
}

export const quarantineId = (kind: DefinitionKind, catalogKey: string) => `${kind}\0${catalogKey}`;

const KIND_NOUN: Record<DefinitionKind, string> = { tools: 'tool', prompts: 'prompt', templates: 'resource template' };

export function kindNoun(kind: DefinitionKind): string {
  return KIND_NOUN[kind];
}

function findingsSentence(errors: readonly Finding[]): string {
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `description scanning found that ${first.path === 'name' ? 'its name' : `its ${first.path}`} ${first.message}${first.excerpt ? `: "${first.excerpt}"` : ''}${more}`;
}

export function evaluatePins(input: EvaluateInput): Evaluation {
  const result: Evaluation = { quarantined: new Map(), add: [], pending: [] };
  if (input.mode === 'off') return result;
  const pins = new Map(input.stored.pins.map((p) => [`${p.kind}\0${p.name}`, p]));
  const previous = new Map(input.stored.pending.map((p) => [`${p.kind}\0${p.name}`, p]));

  for (const o of input.observed) {
    const pin = pins.get(`${o.kind}\0${o.name}`);
    const accepted = new Set(pin?.accepted ?? []);
    const errors = o.findings.filter((f) => f.level === 'error' && !accepted.has(f.key));
    let reason: QuarantineReason | undefined;
    let detail = '';
    if (!pin) {
      if (input.stored.known && input.mode === 'strict') {
        reason = 'new';
        detail = `it is a new ${kindNoun(o.kind)} of a known server, and the server pins strictly`;
      } else if (errors.length > 0) {
        reason = 'findings';
        detail = findingsSentence(errors);
      } else {
        result.add.push({ origin: input.origin, server: input.server, kind: o.kind, name: o.name, hash: o.hash, definition: o.canonical, trust: 'first-sight', accepted: [], pinnedAt: input.now });
        continue;
      }
    } else if (pin.hash !== o.hash && input.compareHash(JSON.parse(pin.definition) as Definition) !== input.compareHash(o.definition)) {
      reason = 'changed';
      detail = `${describeChange(JSON.parse(pin.definition) as Definition, o.definition)} since it was pinned on ${new Date(pin.pinnedAt).toISOString().slice(0, 10)}`;
    } else if (errors.length > 0) {
      reason = 'findings';
      detail = findingsSentence(errors);
    } else {
      continue;
    }
    if (reason !== 'findings' && errors.length > 0) detail += `; also, ${findingsSentence(errors)}`;
    const before = previous.get(`${o.kind}\0${o.name}`);
    result.pending.push({
      origin: input.origin,
      server: input.server,
      kind: o.kind,
      name: o.name,
      hash: o.hash,
      definition: o.canonical,
      reason,
      detail,
      findings: o.findings.filter((f) => f.level === 'error'),
      firstSeen: before && before.hash === o.hash ? before.firstSeen : input.now,
      lastSeen: input.now,
    });
    result.quarantined.set(quarantineId(o.kind, o.catalogKey), { kind: o.kind, name: o.name, catalogKey: o.catalogKey, reason, detail, pinnedAt: pin?.pinnedAt });
  }
  return result;
}

/** The refusal a client gets for a quarantined definition: what, why, and the two commands. */
export function refusalMessage(server: string, q: Quarantine): string {
  const name = printable(q.name, 80);
  const tool = /^[\w.-]+$/.test(q.name) ? ` ${q.name}` : '';
  return (
    `${kindNoun(q.kind)[0]!.toUpperCase()}${kindNoun(q.kind).slice(1)} "${name}" of server "${server}" is quarantined: ${q.detail}. ` +
    `Nothing was sent to the server. Review it with \`patchbay pins diff ${server}${tool}\` and accept it with \`patchbay pins approve ${server}${tool}\`.`
  );
}
