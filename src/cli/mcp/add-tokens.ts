/**
 * Splitting the words of `patchbay mcp add` after commander has taken the options before the
 * name (it stops there: passThroughOptions). Three regions:
 *
 *   [options] <name> [options] <command|URL> [rest...]
 *
 * - Options around the name are ours; `-e`/`-H` take exactly one value each, so `-e A=1 name
 *   cmd` keeps its name (Claude Code's variadic `-e` swallows it).
 * - After a URL (or once `-t http|sse` is known), the rest is options too, as Claude Code 2.1
 *   reads them: `--transport http corridor https://… --header "Authorization: Bearer …"`,
 *   `notion https://… -t http -s user`. As there, `-H`/`-e` go on taking values until the next
 *   option, and anything left over is an error (without echoing it: it may be a token).
 * - After a stdio command, everything is the server's, flags included (`node s.js --port 1`
 *   needs no `--`). Claude Code would read its own flags there (`node s.js -s user` is a
 *   user-scope server to it), so when one of ours appears without a `--`, a warning says what
 *   happened and how to say the other thing.
 */
import { PatchbayError } from '../../errors.js';

export interface AddFlags {
  scope?: string;
  transport?: string;
  env: string[];
  header: string[];
  clientId?: string;
  /** true: the flag without a value (take MCP_CLIENT_SECRET); a string: the value. */
  clientSecret?: string | boolean;
  callbackPort?: string;
  /** --sandbox (true) / --no-sandbox (false); unset: the default, sandboxed (./sandbox-default.ts). */
  sandbox?: boolean;
  /** --allow-host HOST, repeatable: what a sandboxed server may reach. */
  allowHost?: string[];
}

export interface AddTokens {
  name?: string;
  commandOrUrl?: string;
  args: string[];
  /** Words after the URL that no option took (reported by count, never echoed). */
  extra: number;
  /** Things the user should know, e.g. our flag passed to a stdio server as its argument. */
  warnings: string[];
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
  '--allow-host': 'allowHost',
};

const BOOLEAN_FLAGS: Record<string, boolean> = { '--sandbox': true, '--no-sandbox': false };

const REMOTE = new Set(['http', 'sse', 'streamable-http']);

export function looksLikeUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

function flagOf(token: string): { flag: string; inline?: string } {
  const eq = token.indexOf('=');
  return token.startsWith('--') && eq !== -1 ? { flag: token.slice(0, eq), inline: token.slice(eq + 1) } : { flag: token };
}

function isOurFlag(token: string): boolean {
  const { flag } = flagOf(token);
  return flag === '--client-secret' || Object.hasOwn(VALUE_FLAGS, flag) || Object.hasOwn(BOOLEAN_FLAGS, flag);
}

function setFlag(flags: AddFlags, key: keyof AddFlags, value: string): void {
  if (key === 'env' || key === 'header') flags[key].push(value);
  else if (key === 'allowHost') flags.allowHost = [...(flags.allowHost ?? []), value];
  else (flags as unknown as Record<string, string>)[key] = value;
}

/**
 * Reads one option at `tokens[i]` into `flags`; returns the index of its last word, and which
 * list (env, header) it fed, for the variadic reading after a URL.
 */
function readOption(tokens: string[], i: number, flags: AddFlags, where: string): { last: number; list?: 'env' | 'header' } {
  const token = tokens[i]!;
  const { flag, inline } = flagOf(token);
  if (flag === '--client-secret') {
    // Never takes the next word: `--client-secret my-server https://...` must keep its name.
    flags.clientSecret = inline ?? true;
    return { last: i };
  }
  if (Object.hasOwn(BOOLEAN_FLAGS, flag) && inline === undefined) {
    flags.sandbox = BOOLEAN_FLAGS[flag];
    return { last: i };
  }
  const key = VALUE_FLAGS[flag];
  if (!key) {
    throw new PatchbayError('USAGE', `unknown option ${flag} ${where}`, {
      hint: 'Options of the server itself go after its command: patchbay mcp add <name> <command> [args...]',
    });
  }
  const value = inline ?? tokens[i + 1];
  if (value === undefined) throw new PatchbayError('USAGE', `option ${flag} needs a value`);
  setFlag(flags, key, value);
  return { last: inline === undefined ? i + 1 : i, list: key === 'env' || key === 'header' ? key : undefined };
}

/** The words after a URL: options as Claude Code reads them. */
function readRemoteRest(rest: string[], flags: AddFlags): number {
  let extra = 0;
  let list: 'env' | 'header' | undefined;
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    if (token === '--') return extra + rest.length - i - 1;
    if (token.startsWith('-') && token !== '-') {
      const read = readOption(rest, i, flags, 'after the URL');
      i = read.last;
      list = read.list;
    } else if (list) flags[list].push(token);
    else extra++;
  }
  return extra;
}

/** Whether the words after the command ask for a remote transport (`-t http` after a host:port). */
function asksForRemote(rest: string[]): boolean {
  for (let i = 0; i < rest.length; i++) {
    const { flag, inline } = flagOf(rest[i]!);
    if ((flag === '-t' || flag === '--transport') && REMOTE.has(inline ?? rest[i + 1] ?? '')) return true;
  }
  return false;
}

export function parseAddTokens(tokens: string[], flags: AddFlags): AddTokens {
  let name: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '--') {
      // Everything after `--` is the server's, as in Claude Code; a name may come first.
      const rest = tokens.slice(i + 1);
      if (name === undefined) name = rest.shift();
      return { name, commandOrUrl: rest[0], args: rest.slice(1), extra: 0, warnings: [] };
    }
    if (token.startsWith('-') && token !== '-') {
      i = readOption(tokens, i, flags, 'before the command').last;
      continue;
    }
    if (name === undefined) {
      name = token;
      continue;
    }
    const rest = tokens.slice(i + 1);
    const transport = flags.transport;
    const remote = transport === undefined ? looksLikeUrl(token) || asksForRemote(rest) : REMOTE.has(transport);
    if (remote) return { name, commandOrUrl: token, args: [], extra: readRemoteRest(rest, flags), warnings: [] };
    return { name, commandOrUrl: token, args: rest, extra: 0, warnings: stdioWarnings(name, rest) };
  }
  return { name, args: [], extra: 0, warnings: [] };
}

function stdioWarnings(name: string, args: string[]): string[] {
  const ours = [...new Set(args.filter(isOurFlag).map((a) => flagOf(a).flag))];
  if (ours.length === 0) return [];
  const list = ours.join(', ');
  return [
    `Note: ${list} after the command ${ours.length === 1 ? 'was' : 'were'} passed to "${name}" as ${ours.length === 1 ? 'its own argument' : 'its own arguments'}, ` +
      `not read as Patchbay's option${ours.length === 1 ? '' : 's'} (Claude Code would read ${ours.length === 1 ? 'it' : 'them'} as its own).`,
    `  To mean Patchbay's, put ${ours.length === 1 ? 'it' : 'them'} before the command: patchbay mcp add [options] ${name} <command> [args...]; ` +
      'to keep them for the server and silence this note, put -- before the command.',
  ];
}
