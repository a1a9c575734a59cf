/**
 * The registry: every host file read into one list of servers, and the precedence rules a
 * host applies to it (claude-code-config-files.md). Other modules (doctor, hub, gateway) code
 * against these signatures; writing lives in ./scopes.ts.
 *
 * Precedence for one name in several scopes: local > approved project > patchbay > user.
 * Claude Code's own rule is local > approved project > user; Patchbay's scope is a user-level
 * scope too (every project, your own file), and sits just above `user` because it is the file
 * only the hub reads: a server you gave to Patchbay is the one Patchbay runs.
 */
import { expandEntry as expand, type Expansion as ExpansionResult, type ResolvedReferences } from './expand.js';
import { claudeDesktopConfigPath, claudeJsonPath, findProjectRoot, mcpJsonPath, patchbayScopePath, projectSettingsLocalPath } from './locations.js';
import { applyServerSettings, readServerSettings } from './server-settings.js';
import { approvalOf, collectServers, loadJsonFile, readApprovals, valueAt } from './sources.js';
import { isJsonObject } from './store/json-file.js';
import type { ConfigProblem, ProjectApprovals, ScopedServer, ServerEntry } from './types.js';

export type { ConfigProblem } from './types.js';

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
  /** The project's approvals (added by the registry work; optional for older callers). */
  approvals?: ProjectApprovals;
}

export async function loadRegistry(options: LoadOptions = {}): Promise<Registry> {
  const projectRoot = findProjectRoot(options.cwd ?? process.cwd());
  const [claudeJson, mcpJson, settingsLocal, patchbayScope, settings, desktop] = await Promise.all([
    loadJsonFile(claudeJsonPath()),
    loadJsonFile(mcpJsonPath(projectRoot)),
    loadJsonFile(projectSettingsLocalPath(projectRoot)),
    loadJsonFile(patchbayScopePath()),
    readServerSettings(),
    options.includeClaudeDesktop ? loadJsonFile(claudeDesktopConfigPath()) : undefined,
  ]);
  const problems: ConfigProblem[] = [...claudeJson.problems, ...mcpJson.problems, ...settingsLocal.problems, ...patchbayScope.problems, ...settings.problems];
  const servers: ScopedServer[] = [];
  const add = (part: { servers: ScopedServer[]; problems: ConfigProblem[] }) => {
    servers.push(...part.servers);
    problems.push(...part.problems);
  };
  add(collectServers(claudeJson, ['projects', projectRoot, 'mcpServers'], 'local'));
  add(collectServers(mcpJson, ['mcpServers'], 'project'));
  add(collectServers(patchbayScope, ['mcpServers'], 'patchbay'));
  add(collectServers(claudeJson, ['mcpServers'], 'user'));
  if (desktop) {
    problems.push(...desktop.problems);
    add(collectServers(desktop, ['mcpServers'], 'claude-desktop'));
  }
  applyServerSettings(servers, settings.settings, projectRoot);
  const projectEntry = valueAt(claudeJson.data, ['projects', projectRoot]);
  const approvals = readApprovals(settingsLocal.data, isJsonObject(projectEntry) ? projectEntry : undefined);
  for (const server of servers) if (server.scope === 'project') server.approval = approvalOf(server.name, approvals);
  return { projectRoot, servers, problems, approvals };
}

const RANK = { local: 0, project: 1, patchbay: 2, user: 3 } as const;

export interface ResolveOptions {
  /** Also return unapproved project entries (see resolveServers). */
  includeUnapproved?: boolean;
  /**
   * The host that launched this hub. `claude-code` loads its own scopes (local, project, user)
   * itself, so a gateway it launches serves only the Patchbay scope, and not even a name Claude
   * Code already has: each server reaches Claude Code once.
   */
  forHost?: 'claude-code';
}

/**
 * The servers a host would start for this project: precedence local > approved project >
 * patchbay > user, one per name; unapproved project entries are returned with approval
 * 'pending'/'rejected' only when `includeUnapproved` is set, and only when no other scope defines
 * the name (that entry is what actually runs then). Claude Desktop's entries are another host's
 * and never resolve here.
 */
export function resolveServers(registry: Registry, options: ResolveOptions = {}): ScopedServer[] {
  const winners = new Map<string, ScopedServer>();
  const unapproved = new Map<string, ScopedServer>();
  for (const server of registry.servers) {
    if (server.scope === 'claude-desktop') continue;
    if (server.scope === 'project' && server.approval !== 'approved') {
      if (!unapproved.has(server.name)) unapproved.set(server.name, server);
      continue;
    }
    const current = winners.get(server.name);
    if (!current || RANK[server.scope] < RANK[current.scope as keyof typeof RANK]) winners.set(server.name, server);
  }
  if (options.forHost === 'claude-code') {
    const itsOwn = new Set(registry.servers.filter((s) => s.scope !== 'patchbay' && s.scope !== 'claude-desktop').map((s) => s.name));
    return [...winners.values()].filter((s) => s.scope === 'patchbay' && !itsOwn.has(s.name));
  }
  if (options.includeUnapproved) {
    for (const [name, server] of unapproved) if (!winners.has(name)) winners.set(name, server);
  }
  return [...winners.values()];
}

export type Expansion = ExpansionResult;

/** Expands ${VAR} and ${VAR:-default} in command, args, env, url and headers. Never written back. */
export function expandEntry(entry: ServerEntry, env: NodeJS.ProcessEnv = process.env, resolved?: ResolvedReferences): Expansion {
  return expand(entry, env, resolved);
}
