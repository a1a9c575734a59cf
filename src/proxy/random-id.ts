/**
 * Random ids for messages and tool calls (`msg_…`, `toolu_…`), drawn from a pool of random bytes
 * refilled 4 KiB at a time. One `randomBytes(12)` per request cost about 30 µs here, close to a
 * tenth of the proxy's CPU on a tiny request (a profile of bench/proxy); Node's own randomUUID()
 * keeps a pool for the same reason. Ids only need to be unique, not secret, and they still come
 * from the CSPRNG.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;

/** `bytes` random bytes as base64url text (a multiple of 3 gives no padding). */
export function randomId(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const text = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return text;
}
