/**
 * Dashboard login: `patchbay ui` (holding the hub's token) asks the hub for a one-time code and
 * prints or opens `/ui/login?code=…`; the code is traded once for a session id carried only in
 * an HttpOnly, SameSite=Strict cookie (so no script and no other site can read or send it).
 * Codes live 2 minutes, sessions 12 hours; both only in memory: a restarted hub forgets them.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const COOKIE_NAME = 'patchbay_ui';

export interface SessionOptions {
  codeTtlMs?: number;
  sessionTtlMs?: number;
  now?: () => number;
}

export interface UiSessions {
  /** A fresh one-time login code. */
  issueCode(): string;
  /** Trades a code for a session id; undefined when the code is unknown, used or expired. */
  redeem(code: string): string | undefined;
  /** Whether a cookie value names a live session. */
  valid(session: string | undefined): boolean;
  end(session: string): void;
}

const random = () => randomBytes(24).toString('base64url');

export function createUiSessions(options: SessionOptions = {}): UiSessions {
  const codeTtl = options.codeTtlMs ?? 120_000;
  const sessionTtl = options.sessionTtlMs ?? 12 * 3_600_000;
  const now = options.now ?? Date.now;
  const codes = new Map<string, number>();
  const sessions = new Map<string, number>();

  function sweep(map: Map<string, number>): void {
    const t = now();
    for (const [key, expires] of map) if (expires <= t) map.delete(key);
  }

  return {
    issueCode() {
      sweep(codes);
      const code = random();
      codes.set(code, now() + codeTtl);
      return code;
    },
    redeem(code) {
      sweep(codes);
      // Compare in constant time against each live code (there are only a handful).
      const given = Buffer.from(code);
      let found: string | undefined;
      for (const candidate of codes.keys()) {
        const c = Buffer.from(candidate);
        if (c.length === given.length && timingSafeEqual(c, given)) found = candidate;
      }
      if (found === undefined) return undefined;
      codes.delete(found);
      sweep(sessions);
      const session = random();
      sessions.set(session, now() + sessionTtl);
      return session;
    },
    valid(session) {
      if (session === undefined) return false;
      const expires = sessions.get(session);
      return expires !== undefined && expires > now();
    },
    end(session) {
      sessions.delete(session);
    },
  };
}
