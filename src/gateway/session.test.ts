/**
 * Which session the hub asks when a server's request belongs to no call: the most recently
 * active legacy session that declared the capability and has a stream to send it on.
 */
import { describe, expect, it } from 'vitest';
import { createSession, mostRecentSession, type Session } from './session.js';

function session(id: string, lastSeen: number, options: { roots?: boolean; stream?: boolean; era?: 'legacy' | 'modern' } = {}): Session {
  const s = createSession(options.era ?? 'legacy', '2025-11-25', id);
  s.lastSeen = lastSeen;
  if (options.roots ?? true) s.clientCapabilities = { roots: { listChanged: true } };
  if (options.stream ?? true) s.sink = { send: () => true };
  return s;
}

describe('mostRecentSession', () => {
  it('picks the most recently active session that declared the capability', () => {
    const sessions = [session('old', 100), session('new', 300), session('middle', 200)];
    expect(mostRecentSession(sessions, 'roots')?.id).toBe('new');
  });

  it('skips sessions without the capability, without a stream, and 2026-07-28 ones', () => {
    const sessions = [
      session('asked', 100),
      session('no-roots', 400, { roots: false }),
      session('no-stream', 300, { stream: false }),
      session('modern', 200, { era: 'modern' }),
    ];
    expect(mostRecentSession(sessions, 'roots')?.id).toBe('asked');
  });

  it('finds none when no session qualifies', () => {
    expect(mostRecentSession([session('plain', 100, { roots: false })], 'roots')).toBeUndefined();
    expect(mostRecentSession([], 'roots')).toBeUndefined();
  });
});
