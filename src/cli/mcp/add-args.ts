/**
 * `patchbay mcp add` entries, without the pitfalls of `claude mcp add`: a URL without `-t`
 * becomes an http server and says so, and `-H` on a stdio server, `-e` on a remote one or words
 * after a URL are errors instead of being dropped. Splitting the words is ./add-tokens.ts.
 */
import { PatchbayError } from '../../errors.js';
import { isValidServerName, NAME_RULE } from '../../config/schema.js';
import { redactUrl } from '../../secrets/redact/index.js';
import { isScope, SCOPES } from '../../config/scopes.js';
import type { OAuthOptions, Scope, ServerEntry } from '../../config/types.js';
import { looksLikeUrl, type AddFlags } from './add-tokens.js';

export { looksLikeUrl, parseAddTokens, type AddFlags } from './add-tokens.js';

export function assertServerName(name: string): void {
  if (!isValidServerName(name)) {
    throw new PatchbayError('USAGE', `invalid server name "${name}": ${NAME_RULE}`, {
      hint: `For example: ${name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'my-server'}`,
    });
  }
}

export function parseScope(value: string | undefined): Scope {
  const scope = value ?? 'local';
  if (!isScope(scope)) throw new PatchbayError('USAGE', `invalid scope "${scope}": use ${SCOPES.slice(0, -1).join(', ')} or ${SCOPES[SCOPES.length - 1]}`);
  return scope;
}

export interface BuiltEntry {
  entry: ServerEntry;
  transport: 'stdio' | 'http' | 'sse';
  /** Things the user should know (e.g. "stored as http because it is a URL"). */
  notes: string[];
  /** OAuth client secret to store in Patchbay's credentials file, never in the host file. */
  clientSecret?: string;
}

function parseEnv(values: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [index, pair] of values.entries()) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? '' : pair.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      // Name only the variable, never the value: without an "=", the whole word may be the secret.
      const shown = eq === -1 ? `value #${index + 1} (not shown)` : `"${key}=…"`;
      throw new PatchbayError('USAGE', `-e ${shown}: expected KEY=VALUE with a variable name of letters, digits and "_"`, {
        hint: 'Pass one variable per -e, for example: -e API_BASE=https://example.com -e DEBUG=1',
      });
    }
    env[key] = pair.slice(eq + 1);
  }
  return env;
}

function parseHeaders(values: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [index, header] of values.entries()) {
    const colon = header.indexOf(':');
    const name = colon === -1 ? '' : header.slice(0, colon).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      // Never echo a header that did not parse: "Authorization Bearer sk-…" is all secret after the first word.
      throw new PatchbayError('USAGE', `invalid header (-H #${index + 1}, not shown): expected "Header-Name: value"`, {
        hint: 'Quote each header whole, for example: -H "X-Api-Key: ${API_KEY}"',
      });
    }
    headers[name] = header.slice(colon + 1).trim();
  }
  return headers;
}

function parseTransport(value: string | undefined): 'stdio' | 'http' | 'sse' | undefined {
  if (value === undefined) return undefined;
  if (value === 'streamable-http') return 'http';
  if (value === 'stdio' || value === 'http' || value === 'sse') return value;
  throw new PatchbayError('USAGE', `invalid transport "${value}": use stdio, http or sse`);
}

export function buildEntry(name: string, commandOrUrl: string, args: string[], flags: AddFlags, env: NodeJS.ProcessEnv = process.env, extra = 0): BuiltEntry {
  const notes: string[] = [];
  let transport = parseTransport(flags.transport);
  if (!transport) {
    transport = looksLikeUrl(commandOrUrl) ? 'http' : 'stdio';
    if (transport === 'http') notes.push(`Note: ${redactUrl(commandOrUrl)} is a URL, so "${name}" was added as an http server (pass -t sse for an SSE server, or -t stdio to run it as a command).`);
  }
  const wantsOAuth = flags.clientId !== undefined || flags.clientSecret !== undefined || flags.callbackPort !== undefined;
  if (transport === 'stdio') {
    if (flags.header.length > 0) {
      throw new PatchbayError('USAGE', `-H/--header applies to http and sse servers, but "${name}" is a stdio server`, {
        hint: 'Pass settings to a stdio server with -e KEY=VALUE, or add -t http / -t sse for a remote server.',
      });
    }
    if (wantsOAuth) throw new PatchbayError('USAGE', `--client-id, --client-secret and --callback-port apply to http and sse servers, but "${name}" is a stdio server`);
    return { transport, notes, entry: { type: 'stdio', command: commandOrUrl, args, env: parseEnv(flags.env) } };
  }
  if (!looksLikeUrl(commandOrUrl)) {
    throw new PatchbayError('USAGE', `"${commandOrUrl}" is not an http:// or https:// URL, which a ${transport} server needs`);
  }
  try {
    new URL(commandOrUrl.replace(/\$\{[^}]*\}/g, 'x'));
  } catch {
    throw new PatchbayError('USAGE', `"${commandOrUrl}" is not a valid URL`);
  }
  const words = args.length + extra;
  if (words > 0) {
    // Not echoed: a header value split by the shell (an unquoted "Bearer sk-…") lands here.
    throw new PatchbayError('USAGE', `an ${transport} server takes only options after its URL, but ${words} other word${words === 1 ? ' was' : 's were'} given (not shown, in case ${words === 1 ? 'it holds' : 'they hold'} a secret)`, {
      hint: 'Quote each header whole: -H "Authorization: Bearer ${TOKEN}". Options: -t, -s, -H, --client-id, --client-secret, --callback-port.',
    });
  }
  if (flags.env.length > 0) {
    throw new PatchbayError('USAGE', `-e/--env applies to stdio servers, but "${name}" is an ${transport} server`, {
      hint: 'Send values to a remote server as headers: -H "Name: value".',
    });
  }
  const entry: ServerEntry = { type: transport, url: commandOrUrl };
  if (flags.header.length > 0) entry.headers = parseHeaders(flags.header);
  const oauth: OAuthOptions = {};
  if (flags.clientId !== undefined) oauth.clientId = flags.clientId;
  if (flags.callbackPort !== undefined) {
    const port = Number(flags.callbackPort);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PatchbayError('USAGE', `--callback-port "${flags.callbackPort}": expected a port number 1-65535`);
    oauth.callbackPort = port;
  }
  if (Object.keys(oauth).length > 0) entry.oauth = oauth;
  let clientSecret: string | undefined;
  if (flags.clientSecret !== undefined) {
    clientSecret = typeof flags.clientSecret === 'string' ? flags.clientSecret : env.MCP_CLIENT_SECRET;
    if (!clientSecret) {
      throw new PatchbayError('USAGE', '--client-secret was given without a value and MCP_CLIENT_SECRET is not set', {
        hint: 'Pass --client-secret=VALUE or set MCP_CLIENT_SECRET (the secret is stored in Patchbay\'s credentials file, never in the host config).',
      });
    }
  }
  return { transport, notes, entry, clientSecret };
}
