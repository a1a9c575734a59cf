/**
 * The one local secret Patchbay hands to clients: the bearer token for the gateway's HTTP
 * endpoint and the key for the model proxy. Created at first start with 256 bits from the OS
 * CSPRNG and stored with 0600 permissions in Patchbay's config directory; `patchbay token`
 * prints it. PATCHBAY_TOKEN overrides the file (for containers and CI).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, patchbayPaths } from '../paths.js';

export function tokenPath(): string {
  return join(patchbayPaths().config, 'token');
}

/** Reads the token, creating it on first use. Safe against two processes starting at once. */
export async function loadOrCreateToken(): Promise<string> {
  const fromEnv = process.env.PATCHBAY_TOKEN;
  if (fromEnv) return fromEnv;
  const file = tokenPath();
  const existing = await readToken(file);
  if (existing) return existing;
  await ensurePrivateDir(patchbayPaths().config);
  const token = `pb_${randomBytes(32).toString('base64url')}`;
  // Write a private temp file, then link it into place only if no token exists yet: the
  // first process to start wins and every other one reads the winner's token.
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${token}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  try {
    const { link, unlink } = await import('node:fs/promises');
    try {
      await link(temp, file);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      // Filesystems without hard links: fall back to rename (last writer wins, still atomic).
      await writeFile(temp, `${token}\n`, { mode: 0o600 });
      await rename(temp, file);
    }
  }
  return (await readToken(file)) ?? token;
}

async function readToken(file: string): Promise<string | undefined> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text.length > 0 ? text : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timings. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Pulls the credential from `Authorization: Bearer …` or `x-api-key: …`. */
export function presentedCredential(headers: { authorization?: string | null; 'x-api-key'?: string | null }): string | undefined {
  const auth = headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  return headers['x-api-key'] ?? undefined;
}
