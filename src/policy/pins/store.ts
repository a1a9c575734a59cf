/**
 * Where pins live: per origin (the user's servers, or one project's), per server, per kind and
 * name. `openPinStore()` is the SQLite store in Patchbay's `patchbay.db` (sqlite-pin-store.ts);
 * `createMemoryPinStore()` is the same in memory for tests. The hub writes what it observes, the
 * `patchbay pins` CLI reads it and approves, and every approval bumps a counter the running hub
 * checks cheaply (PRAGMA data_version first) before it re-reads anything.
 */
import type { DefinitionKind, Finding } from '../scan/types.js';

/** Pins are kept apart per origin: `user` for user-scope servers, else the project root. */
export type PinOrigin = string;

export interface PinKey {
  origin: PinOrigin;
  server: string;
  kind: DefinitionKind;
  name: string;
}

export type PinTrust = 'first-sight' | 'approved';

export interface PinRecord extends PinKey {
  /** SHA-256 of `definition`. */
  hash: string;
  /** Canonical JSON (RFC 8785) of the pinned fields, as the server sent them (before ignore rules). */
  definition: string;
  /** Trusted when first seen, or approved by a person (`patchbay pins approve`). */
  trust: PinTrust;
  /** Finding keys a person accepted with the approval (scan/types.ts `Finding.key`). */
  accepted: string[];
  pinnedAt: number;
}

export type QuarantineReason = 'changed' | 'new' | 'findings';

/** A definition held back, as last seen, waiting for `patchbay pins approve`. */
export interface PendingRecord extends PinKey {
  hash: string;
  definition: string;
  reason: QuarantineReason;
  /** One sentence: what changed, or what scanning found. */
  detail: string;
  /** The error-level findings that hold it (all of them, for `pins diff`). */
  findings: Finding[];
  firstSeen: number;
  lastSeen: number;
}

export interface ServerPins {
  /** The server was seen before: new definitions are no longer "first sight of the server". */
  known: boolean;
  pins: PinRecord[];
  pending: PendingRecord[];
}

export interface PinListing {
  servers: { origin: PinOrigin; server: string; firstSeen: number }[];
  pins: PinRecord[];
  pending: PendingRecord[];
}

export interface PinStore {
  /** Changes whenever an approval is committed, by any process. Cheap enough to call per request. */
  approvalsVersion(): number;
  load(origin: PinOrigin, server: string): ServerPins;
  /**
   * One observation, in one transaction: marks the server known, adds first-sight pins and
   * replaces the server's pending set. Returns false (and writes nothing) when approvals changed
   * since `expectedVersion`, or another process pinned one of `add` first, so the caller re-reads
   * before it overwrites a fresh approval or someone else's pin.
   */
  commitObservation(origin: PinOrigin, server: string, change: { add: PinRecord[]; pending: PendingRecord[] }, expectedVersion: number): boolean;
  /** Pending → pinned (trust `approved`, its findings accepted), atomically; returns what was approved. */
  approve(origin: PinOrigin, server: string, filter?: { kind?: DefinitionKind; name?: string }, now?: number): PendingRecord[];
  list(filter?: { origin?: PinOrigin; server?: string }): PinListing;
  close(): void;
}

export { createMemoryPinStore } from './memory-pin-store.js';
export { openPinStore } from './sqlite-pin-store.js';
