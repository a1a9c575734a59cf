/**
 * `web_fetch`'s guard against server-side request forgery: a URL the model supplies must not
 * reach the machine, its network or a cloud metadata service. Checked on the addresses the name
 * resolves to (so `localtest.me` → 127.0.0.1 is refused like 127.0.0.1), and again on every
 * redirect hop, which is followed by hand. The connection is then made to the address that was
 * checked, never re-resolved (no DNS-rebinding window).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export class BlockedUrlError extends Error {
  override readonly name = 'BlockedUrlError';
}

function v4Parts(address: string): number[] | undefined {
  const parts = address.split('.').map(Number);
  return parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255) ? parts : undefined;
}

/** Loopback, private (RFC 1918, ULA), link-local (incl. 169.254.169.254), CGNAT, unspecified, multicast, reserved. */
export function isNonPublicAddress(address: string): boolean {
  let a = address.toLowerCase().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) a = mapped[1]!;
  const v4 = v4Parts(a);
  if (v4) {
    const [x, y] = v4 as [number, number, number, number];
    return x === 0 || x === 10 || x === 127 || (x === 169 && y === 254) || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168)
      || (x === 100 && y >= 64 && y <= 127) || (x === 192 && y === 0) || (x === 198 && (y === 18 || y === 19)) || x >= 224;
  }
  if (isIP(a) !== 6) return true; // not an address at all: refuse rather than guess
  return a === '::' || a === '::1' || /^f[cd]/.test(a) || /^fe[89ab]/.test(a) || a.startsWith('ff') || a.startsWith('64:ff9b:') || a.startsWith('2001:db8');
}

/** The public address to connect to for `url`, or BlockedUrlError saying why not. */
export async function checkUrl(url: URL, resolve: Resolver): Promise<string> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BlockedUrlError(`${url.protocol} URLs are not fetched; only http and https`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await resolve(host).catch(() => { throw new BlockedUrlError(`cannot resolve ${host}`); });
  if (addresses.length === 0) throw new BlockedUrlError(`cannot resolve ${host}`);
  const blocked = addresses.find(isNonPublicAddress);
  if (blocked) throw new BlockedUrlError(`${url.host} is ${blocked === host ? 'a' : `${blocked}, a`} private, loopback or link-local address; web_fetch only reaches public hosts`);
  return addresses[0]!;
}

export interface GuardedFetchOptions {
  resolve?: Resolver;
  maxRedirects?: number;
  /** Does the request to the checked address (tests inject one; default undici to that IP). */
  send: (url: URL, address: string, signal?: AbortSignal) => Promise<Response>;
  signal?: AbortSignal;
}

/** Fetches `url`, checking it and every redirect target before connecting. */
export async function guardedFetch(input: string, options: GuardedFetchOptions): Promise<{ url: string; response: Response }> {
  const resolve = options.resolve ?? systemResolver;
  let url = new URL(input);
  for (let hop = 0; ; hop++) {
    const address = await checkUrl(url, resolve);
    const response = await options.send(url, address, options.signal);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return { url: url.href, response };
    await response.body?.cancel();
    if (hop >= (options.maxRedirects ?? 5)) throw new BlockedUrlError(`more than ${options.maxRedirects ?? 5} redirects`);
    url = new URL(location, url);
  }
}
