/**
 * The registry: every host file read into one list of servers, and the precedence rules a
 * host applies to it (claude-code-config-files.md). Other modules (doctor, hub, gateway) code
 * against these signatures; writing lives in ./scopes.ts.
 */
import { expandEntry as expand, type Expansion as ExpansionResult, type ResolvedReferences } from './expand.js';
import { claudeDesktopConfigPath, claudeJsonPath, findProjectRoot, mcpJsonPath, projectSettingsLocalPath } from './locations.js';
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
  const [claudeJson, mcpJson, settingsLocal, desktop] = await Promise.all([
    loadJsonFile(claudeJsonPath()),
    loadJsonFile(mcpJsonPath(projectRoot)),
    loadJsonFile(projectSettingsLocalPath(projectRoot)),
    options.includeClaudeDesktop ? loadJsonFile(claudeDesktopConfigPath()) : undefined,
  ]);
  const problems: ConfigProblem[] = [...claudeJson.problems, ...mcpJson.problems, ...settingsLocal.problems];
  const servers: ScopedServer[] = [];
  const add = (part: { servers: ScopedServer[]; problems: ConfigProblem[] }) => {
    servers.push(...part.servers);
    problems.push(...part.problems);
  };
  add(collectServers(claudeJson, ['projects', projectRoot, 'mcpServers'], 'local'));
  add(collectServers(mcpJson, ['mcpServers'], 'project'));
  add(collectServers(claudeJson, ['mcpServers'], 'user'));
  if (desktop) {
    problems.push(...desktop.problems);
    add(collectServers(desktop, ['mcpServers'], 'claude-desktop'));
  }
  const projectEntry = valueAt(claudeJson.data, ['projects', projectRoot]);
  const approvals = readApprovals(settingsLocal.data, isJsonObject(projectEntry) ? projectEntry : undefined);
  for (const server of servers) if (server.scope === 'project') server.approval = approvalOf(server.name, approvals);
  return { projectRoot, servers, problems, approvals };
}

const RANK = { local: 0, project: 1, user: 2 } as const;

/**
 * The servers a host would start for this project: precedence local > approved project > user,
 * one per name; unapproved project entries are returned with approval 'pending'/'rejected' only
 * when `includeUnapproved` is set, and only when no other scope defines the name (the user-scope
 * entry is what actually runs then). Claude Desktop's entries are another host's and never resolve here.
 */
export function resolveServers(registry: Registry, options: { includeUnapproved?: boolean } = {}): ScopedServer[] {
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
