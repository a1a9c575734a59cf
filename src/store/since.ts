/**
 * `--since` values: an ISO date or date-time, or a span back from now (`90m`, `24h`, `7d`, `2w`).
 * A bare date means local midnight of that day, the way people read "since Monday".
 */
import { PatchbayError } from '../errors.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

export function parseSince(value: number | string, now: number = Date.now()): number {
  if (typeof value === 'number') return value;
  const text = value.trim();
  const relative = /^(\d+(?:\.\d+)?)\s*([mhdw])$/i.exec(text);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2]!.toLowerCase() as keyof typeof UNIT_MS];
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) {
    const local = new Date(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    if (local.getMonth() === Number(date[2]) - 1) return local.getTime();
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const time = Date.parse(text);
    if (!Number.isNaN(time)) return time;
  }
  throw new PatchbayError('USAGE', `--since ${JSON.stringify(value)} is not a date or a span of time`, {
    hint: 'Use a date (2026-11-01), a date and time (2026-11-01T09:00Z), or a span back from now: 30m, 24h, 7d, 2w.',
  });
}
