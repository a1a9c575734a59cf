import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPinStore } from './sqlite-pin-store.js';
import type { PendingRecord, PinRecord } from './store.js';

const pin: PinRecord = { origin: 'user', server: 's', kind: 'tools', name: 'add', hash: 'h1', definition: '{"name":"add"}', trust: 'first-sight', accepted: [], pinnedAt: 1 };
const pending: PendingRecord = { origin: 'user', server: 's', kind: 'tools', name: 'add', hash: 'h2', definition: '{"description":"x","name":"add"}', reason: 'changed', detail: 'its description changed', findings: [], firstSeen: 2, lastSeen: 2 };

describe('the SQLite pin store', () => {
  it('is owner-only, and an approval from another connection is seen by version and refuses a stale write', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'patchbay-pinstore-')), 'patchbay.db');
    const hub = openPinStore(file);
    const cli = openPinStore(file);
    try {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const v0 = hub.approvalsVersion();
      expect(hub.commitObservation('user', 's', { add: [pin], pending: [pending] }, v0)).toBe(true);
      expect(cli.load('user', 's')).toMatchObject({ known: true, pins: [pin], pending: [pending] });

      expect(cli.approve('user', 's', { name: 'add' }, 5).map((p) => p.hash)).toEqual(['h2']);
      expect(hub.approvalsVersion()).toBe(v0 + 1);
      // The hub had not re-read yet: its write with the old version must not resurrect the pending row.
      expect(hub.commitObservation('user', 's', { add: [], pending: [pending] }, v0)).toBe(false);
      expect(hub.load('user', 's')).toMatchObject({ pins: [{ hash: 'h2', trust: 'approved', pinnedAt: 5 }], pending: [] });
      expect(cli.approve('user', 's', { name: 'add' })).toEqual([]);
      expect(hub.approvalsVersion()).toBe(v0 + 1);
    } finally {
      hub.close();
      cli.close();
    }
  });
});

describe('two hubs on one store', () => {
  it('the second never overwrites the first one\'s first-sight pin', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'patchbay-pinstore-')), 'patchbay.db');
    const a = openPinStore(file);
    const b = openPinStore(file);
    try {
      expect(a.commitObservation('user', 's', { add: [pin], pending: [] }, a.approvalsVersion())).toBe(true);
      expect(b.commitObservation('user', 's', { add: [{ ...pin, hash: 'other' }], pending: [] }, b.approvalsVersion())).toBe(false);
      expect(b.load('user', 's').pins.map((p) => p.hash)).toEqual(['h1']);
    } finally {
      a.close();
      b.close();
    }
  });
});
