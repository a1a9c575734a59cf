/**
 * `patchbay mcp add` arguments, without the pitfalls of `claude mcp add`: `-e` takes exactly one
 * KEY=VALUE (so `-e A=1 name cmd` keeps its name), everything after the command is the server's
 * (so `add t1 node server.js --flag` needs no `--`), a URL without `-t` becomes an http server
 * and says so, and `-H` on a stdio server is an error instead of being dropped.
 */
import { PatchbayError } from '../../errors.js';
import { isValidServerName, NAME_RULE } from '../../config/schema.js';
import { isScope } from '../../config/scopes.js';
import type { OAuthOptions, Scope, ServerEntry } from '../../config/types.js';

export interface AddFlags {
  scope?: string;
  transport?: string;
  env: string[];
  header: string[];
  clientId?: string;
  /** true: the flag without a value (take MCP_CLIENT_SECRET); a string: the value. */
  clientSecret?: string | boolean;
  callbackPort?: string;
}

const VALUE_FLAGS: Record<string, keyof AddFlags> = {
  '-s': 'scope',
  '--scope': 'scope',
  '-t': 'transport',
  '--transport': 'transport',
  '-e': 'env',
  '--env': 'env',
  '-H': 'header',
  '--header': 'header',
  '--client-id': 'clientId',
  '--callback-port': 'callbackPort',
};

function setFlag(flags: AddFlags, key: keyof AddFlags, value: string): void {
  if (key === 'env' || key === 'header') flags[key].push(value);
  else (flags as unknown as Record<string, string>)[key] = value;
}

/**
 * Splits the positional part of `add`: our flags, the server name, our flags again, then the
 * command (or URL) and, verbatim, everything after it. A `--` before the command is accepted,
 * as in Claude Code. Commander has already taken the flags it saw before the name.
 */
export function parseAddTokens(tokens: string[], flags: AddFlags): { name?: string; commandOrUrl?: string; args: string[] } {
  let name: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '--') {
      const rest = tokens.slice(i + 1);
      if (name === undefined) name = rest.shift();
      return { name, commandOrUrl: rest[0], args: rest.slice(1) };
    }
    if (!token.startsWith('-') || token === '-') {
      if (name === undefined) {
        name = token;
        continue;
      }
      return { name, commandOrUrl: token, args: tokens.slice(i + 1) };
    }
    const eq = token.indexOf('=');
    const flag = token.startsWith('--') && eq !== -1 ? token.slice(0, eq) : token;
    if (flag === '--client-secret') {
      // Never takes the next word: `--client-secret my-server https://...` must keep its name.
      flags.clientSecret = eq === -1 ? true : token.slice(eq + 1);
      continue;
    }
    const key = VALUE_FLAGS[flag];
    if (!key) {
      throw new PatchbayError('USAGE', `unknown option ${token} before the command`, {
        hint: 'Options of the server itself go after its command: patchbay mcp add <name> <command> [args...]',
      });
    }
    let value: string | undefined;
    if (eq !== -1 && flag !== token) value = token.slice(eq + 1);
    else value = tokens[++i];
    if (value === undefined) throw new PatchbayError('USAGE', `option ${flag} needs a value`);
    setFlag(flags, key, value);
  }
  return { name, args: [] };
}

export function assertServerName(name: string): void {
  if (!isValidServerName(name)) {
    throw new PatchbayError('USAGE', `invalid server name "${name}": ${NAME_RULE}`, {
      hint: `For example: ${name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'my-server'}`,
    });
  }
}

export function parseScope(value: string | undefined): Scope {
  const scope = value ?? 'local';
  if (!isScope(scope)) throw new PatchbayError('USAGE', `invalid scope "${scope}": use local, project or user`);
  return scope;
}

export function looksLikeUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
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
  for (const pair of values) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? '' : pair.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new PatchbayError('USAGE', `-e "${pair.split('=')[0]}…": expected KEY=VALUE with a variable name of letters, digits and "_"`, {
        hint: 'Pass one variable per -e, for example: -e API_BASE=https://example.com -e DEBUG=1',
      });
    }
    env[key] = pair.slice(eq + 1);
  }
  return env;
}

function parseHeaders(values: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const header of values) {
    const colon = header.indexOf(':');
    const name = colon === -1 ? '' : header.slice(0, colon).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      // Show only the name part: the rest may be a token.
      throw new PatchbayError('USAGE', `invalid header "${header.split(/[:\s]/)[0]}…": expected "Header-Name: value"`, {
        hint: 'For example: -H "X-Api-Key: ${API_KEY}"',
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

export function buildEntry(name: string, commandOrUrl: string, args: string[], flags: AddFlags, env: NodeJS.ProcessEnv = process.env): BuiltEntry {
  const notes: string[] = [];
  let transport = parseTransport(flags.transport);
  if (!transport) {
    transport = looksLikeUrl(commandOrUrl) ? 'http' : 'stdio';
    if (transport === 'http') notes.push(`Note: ${commandOrUrl} is a URL, so "${name}" was added as an http server (pass -t sse for an SSE server, or -t stdio to run it as a command).`);
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
  if (args.length > 0) {
    throw new PatchbayError('USAGE', `a ${transport} server takes no arguments after its URL (got: ${args.join(' ')})`, {
      hint: 'Put options before the URL, e.g. patchbay mcp add -t http -H "Authorization: Bearer ${TOKEN}" name https://...',
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
