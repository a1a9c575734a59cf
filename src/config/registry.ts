/**
 * CONTRACT (filled in by the registry work): reading every host file into one list of servers.
 * Other modules (doctor, hub, gateway's connect) code against these signatures.
 */
import { PatchbayError } from '../errors.js';
import type { ScopedServer, ServerEntry } from './types.js';

/** A problem in a config file: what, where (file, line, column, server, field), what to do. */
export interface ConfigProblem {
  file: string;
  server?: string;
  field?: string;
  line?: number;
  column?: number;
  /** The offending source line, for syntax errors. */
  sourceLine?: string;
  message: string;
  hint?: string;
}

export interface LoadOptions {
  /** Directory the command runs in; the project is its git root (or cwd outside git). */
  cwd?: string;
  /** Include Claude Desktop's file as a read-only source (default false). */
  includeClaudeDesktop?: boolean;
}

export interface Registry {
  /** The project key in ~/.claude.json and the folder that holds .mcp.json. */
  projectRoot: string;
  /** Every entry from every file, valid ones only. */
  servers: ScopedServer[];
  /** Syntax and schema problems; an invalid entry is reported here and left out of `servers`. */
  problems: ConfigProblem[];
}

export async function loadRegistry(_options: LoadOptions = {}): Promise<Registry> {
  throw new PatchbayError('NOT_IMPLEMENTED', 'loadRegistry is not implemented yet');
}

/**
 * The servers a host would start for this project: precedence local > approved project > user,
 * one per name; unapproved project entries are returned with approval 'pending'/'rejected' only
 * when `includeUnapproved` is set.
 */
export function resolveServers(_registry: Registry, _options: { includeUnapproved?: boolean } = {}): ScopedServer[] {
  throw new PatchbayError('NOT_IMPLEMENTED', 'resolveServers is not implemented yet');
}

export interface Expansion {
  entry: ServerEntry;
  /** Variables referenced as ${VAR} with no value and no default. */
  missing: string[];
}

/** Expands ${VAR} and ${VAR:-default} in command, args, env, url and headers. Never written back. */
export function expandEntry(_entry: ServerEntry, _env: NodeJS.ProcessEnv = process.env): Expansion {
  throw new PatchbayError('NOT_IMPLEMENTED', 'expandEntry is not implemented yet');
}
