/**
 * The core of adding a catalog entry, shared by `patchbay catalog add` (command.ts: prompts and
 * confirmation around it) and the dashboard (src/web/api/catalog-routes.ts): pick the entry and
 * what to run, render the plan, then store its secrets and write the entry. Secret values go to
 * the secret store only; the entry and every result carry their names.
 */
import { PatchbayError } from '../errors.js';
import { locateProject } from '../config/locations.js';
import { addServers } from '../config/scopes.js';
import type { Scope } from '../config/types.js';
import { openSecretStore } from '../secrets/store/open-store.js';
import { assertServerName, parseScope } from '../cli/mcp/add-args.js';
import { defaultChoice, renderPlan, type Choice, type Plan } from './render.js';
import { findEntry, loadCatalog, recordOrigin, type Catalog } from './snapshot.js';
import type { ServerJson } from './server-json.js';

export interface CatalogTargetOptions {
  /** 1-based, as `--package N` / `--remote N`. */
  package?: string;
  remote?: string;
  scope?: string;
  name?: string;
}

export interface CatalogTarget {
  catalog: Catalog;
  server: ServerJson;
  scope: Scope;
  localName: string;
  choice: Choice;
}

function choiceFrom(server: ServerJson, options: CatalogTargetOptions): Choice {
  const index = (text: string, what: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new PatchbayError('USAGE', `--${what} takes a number from 1 (see patchbay catalog show ${server.name})`);
    return n - 1;
  };
  if (options.package !== undefined && options.remote !== undefined) throw new PatchbayError('USAGE', 'give --package or --remote, not both');
  if (options.package !== undefined) return { package: index(options.package, 'package') };
  if (options.remote !== undefined) return { remote: index(options.remote, 'remote') };
  return defaultChoice(server);
}

/** NAME or NAME@VERSION → the entry, the scope, the local server name and the package or remote. */
export async function resolveCatalogTarget(spec: string, options: CatalogTargetOptions): Promise<CatalogTarget> {
  const catalog = await loadCatalog();
  const at = spec.lastIndexOf('@');
  const name = at > 0 ? spec.slice(0, at) : spec;
  const version = at > 0 ? spec.slice(at + 1) : undefined;
  const server = findEntry(catalog, name);
  if (version !== undefined && version !== server.version) {
    throw new PatchbayError('USAGE', `the catalog has ${server.name} ${server.version ?? '(unversioned)'}, not ${version}`, { hint: 'Run patchbay catalog update for newer versions, or omit @VERSION.' });
  }
  const scope = parseScope(options.scope);
  const localName = options.name ?? server.name.split('/').pop()!.replace(/[^A-Za-z0-9_-]+/g, '-');
  assertServerName(localName);
  return { catalog, server, scope, localName, choice: choiceFrom(server, options) };
}

export function planCatalogAdd(target: CatalogTarget, inputs: Record<string, string>): Plan {
  return renderPlan(target.server, target.choice, target.localName, inputs);
}

export interface CatalogAddResult {
  name: string;
  file: string;
  /** The names (never the values) of the secrets stored, and where. */
  secrets: string[];
  secretStore?: string;
}

/** Secrets into the store first, so the entry never refers to a secret that is not there. */
export async function applyCatalogAdd(target: CatalogTarget, plan: Plan, cwd: string): Promise<CatalogAddResult> {
  const secrets = Object.keys(plan.secrets);
  let secretStore: string | undefined;
  if (secrets.length) {
    const store = await openSecretStore();
    for (const [secretName, value] of Object.entries(plan.secrets)) await store.set(secretName, value);
    secretStore = store.description;
  }
  const { file } = await addServers(target.scope, locateProject(cwd).root, [{ name: target.localName, entry: plan.entry }]);
  const { catalog, server } = target;
  await recordOrigin(target.localName, { registry: catalog.registry, name: server.name, ...(server.version ? { version: server.version } : {}), scope: target.scope, installedAt: new Date().toISOString() });
  return { name: target.localName, file, secrets, ...(secretStore ? { secretStore } : {}) };
}
