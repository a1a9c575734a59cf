/**
 * `patchbay mcp login NAME [--no-browser] [--client-id ID] [--client-secret]` and
 * `patchbay mcp logout NAME`. The login asks the server once without a token to read its
 * challenge (scope, resource metadata URL), then runs the login under the token store's lock.
 * What is printed: who issued the tokens, the scope and the expiry; never a token.
 */
import { PatchbayError } from '../../errors.js';
import { loadRegistry, resolveServers, expandEntry } from '../../config/registry.js';
import { isStdioEntry, type RemoteEntry } from '../../config/types.js';
import { parseBearerChallenge, type Challenge } from './discovery.js';
import { where } from './errors.js';
import { oauthSessionFor } from './for-server.js';
import { openTokenStore } from './token-store.js';
import { browserUserAgent } from './user-agents.js';

export interface LoginFlags {
  browser?: boolean;
  clientId?: string;
  clientSecret?: string | boolean;
  cwd?: string;
}

async function remoteServer(name: string, cwd: string): Promise<RemoteEntry> {
  const registry = await loadRegistry({ cwd });
  const server = resolveServers(registry, { includeUnapproved: true }).find((s) => s.name === name);
  if (!server) throw new PatchbayError('SERVER_NOT_FOUND', `no MCP server named "${name}"`, { hint: 'List them with: patchbay mcp list' });
  if (isStdioEntry(server.entry)) throw new PatchbayError('USAGE', `"${name}" is a stdio server; OAuth login is for remote (http, sse) servers`);
  return expandEntry(server.entry).entry as RemoteEntry;
}

/** The server's challenge for a request without a token (MCP 2025-11-25: a 401 with WWW-Authenticate). */
async function challengeOf(url: string): Promise<Challenge | undefined> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'patchbay', version: '0' } } }),
      redirect: 'error',
      signal: AbortSignal.timeout(15_000),
    });
    await response.body?.cancel();
    return response.status === 401 ? parseBearerChallenge(response.headers.get('www-authenticate')) : undefined;
  } catch {
    return undefined;
  }
}

export async function runMcpLogin(name: string, flags: LoginFlags): Promise<void> {
  const entry = await remoteServer(name, flags.cwd ?? process.cwd());
  const clientSecret = flags.clientSecret === true ? process.env.MCP_CLIENT_SECRET : typeof flags.clientSecret === 'string' ? flags.clientSecret : undefined;
  if (flags.clientSecret === true && !clientSecret) throw new PatchbayError('USAGE', '--client-secret reads the secret from MCP_CLIENT_SECRET, which is not set', { hint: 'Set MCP_CLIENT_SECRET, or pass --client-secret=VALUE.' });
  const session = await oauthSessionFor(name, entry, {
    userAgent: browserUserAgent({ noBrowser: flags.browser === false }),
    ...(flags.clientId ? { clientId: flags.clientId } : {}),
    ...(clientSecret ? { clientSecret } : {}),
  });
  if (!session) throw new PatchbayError('USAGE', `"${name}" sends its own Authorization header; remove it from the entry to log in with OAuth`);
  const record = await session.login(await challengeOf(entry.url));
  const expiry = record.expiresAt ? `, expires ${new Date(record.expiresAt).toISOString()}` : '';
  process.stdout.write(`Logged in to ${name} (issuer ${where(record.issuer)}${record.scope ? `, scope "${record.scope}"` : ''}${expiry}${record.refreshToken ? ', refreshable' : ''}).\n`);
}

export async function runMcpLogout(name: string): Promise<void> {
  const store = await openTokenStore();
  const removed = await store.withLock(name, () => store.delete(name));
  process.stdout.write(removed ? `Logged out of ${name}: its tokens were deleted.\n` : `${name} had no login.\n`);
}
