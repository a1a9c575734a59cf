/**
 * The built-in servers the hub runs inside its own process instead of as children, because they
 * use models: an entry whose command is Patchbay's own `patchbay server models|agent|search …` (the
 * command resolving to this installation's bin/patchbay.js, directly or as `node …/patchbay.js`)
 * and that is not sandboxed (a sandbox confines a process; in-process there is none to confine).
 *
 * In-process, a server gets the hub's proxy as a ModelChannel (no client token, no provider key
 * in any process) and each tools/call carries the calling client's name, so its model usage is
 * booked under that client (src/servers/caller.ts). Run alone on stdio the same factory gets an
 * HTTP channel with the entry's client token (src/proxy/channel/from-flags.ts).
 *
 * Adding a server is one line in FACTORIES: its cli.ts exports an InProcessFactory built from
 * the same flags its stdio command parses.
 */
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/server';
import type { ServerEntry } from '../config/types.js';
import { isStdioEntry } from '../config/types.js';
import { PATCHBAY_BIN } from '../hosts/targets.js';
import type { ModelChannel } from '../proxy/channel/index.js';
import { findProgram } from '../sandbox/support.js';

export interface InProcessDeps {
  /** The entry's name in the registry. */
  name: string;
  /** Where a child would run: relative `--root`s resolve against it. */
  cwd: string;
  /** The environment a child would get (env policy applied, `${secret:…}` resolved). */
  env: NodeJS.ProcessEnv;
  /** The hub's model proxy, reached in this process; rejects, saying why, when the hub runs none. */
  channel(): Promise<ModelChannel>;
  /**
   * For a child process the server starts (Claude Code): the hub's base URL (MCP at `/mcp`, the
   * proxy at `/v1`) and a credential naming `client` there, valid while the hub runs.
   */
  hubEndpoint(client: string): { url: string; token: string };
}

export interface InProcessServer {
  server: McpServer;
  /** Releases what the server holds (stores, channel); the transport is closed by the hub. */
  close(): Promise<void>;
}

export type InProcessFactory = (args: string[], deps: InProcessDeps) => Promise<InProcessServer>;

const FACTORIES: Record<string, () => Promise<InProcessFactory>> = {
  models: async () => (await import('./models/cli.js')).modelsInProcess,
  agent: async () => (await import('./agent/cli.js')).agentInProcess,
  search: async () => (await import('./search/cli.js')).searchInProcess,
};

export interface BuiltinCall {
  /** `models`, `agent`, … */
  builtin: string;
  /** The server's own flags (after `patchbay server NAME`). */
  args: string[];
  factory(): Promise<InProcessFactory>;
}

/** The built-in server an entry runs, when the hub should run it in-process; else undefined. */
export function inProcessBuiltin(entry: ServerEntry, env: NodeJS.ProcessEnv = process.env): BuiltinCall | undefined {
  if (!isStdioEntry(entry) || (entry.patchbay?.sandbox !== undefined && entry.patchbay.sandbox !== false)) return undefined;
  const args = entry.args ?? [];
  let rest: string[] | undefined;
  if (isPatchbayBin(entry.command, env)) rest = args;
  else if (/^node(\.exe)?$/.test(basename(entry.command)) || entry.command === process.execPath) {
    if (args[0] !== undefined && isPatchbayBin(args[0], env)) rest = args.slice(1);
  }
  if (!rest || rest[0] !== 'server' || rest[1] === undefined) return undefined;
  const builtin = rest[1];
  const load = Object.hasOwn(FACTORIES, builtin) ? FACTORIES[builtin] : undefined;
  return load ? { builtin, args: rest.slice(2), factory: load } : undefined;
}

function isPatchbayBin(command: string, env: NodeJS.ProcessEnv): boolean {
  const file = findProgram(command, env.PATH);
  if (!file) return false;
  try {
    return realpathSync(file) === realpathSync(PATCHBAY_BIN);
  } catch {
    return false;
  }
}
