/**
 * `patchbay catalog search|show|add|update|outdated`. `add` shows the resolved command (secrets
 * as references) and writes nothing until it is confirmed: a prompt on a terminal, `--yes` in
 * scripts; without either, it prints the plan and stops.
 */
import { createInterface } from 'node:readline/promises';
import { PatchbayError } from '../errors.js';
import { isStdioEntry, type ServerEntry } from '../config/types.js';
import { readSecretValue } from '../cli/read-secret.js';
import { applyCatalogAdd, planCatalogAdd, resolveCatalogTarget, type CatalogTargetOptions } from './add.js';
import { neededInputs } from './render.js';
import { parseSets } from './parse-sets.js';
import { fetchRegistry, findEntry, loadCatalog, OFFICIAL_REGISTRY, readOrigins, saveCatalog, searchCatalog } from './snapshot.js';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);

export async function runCatalogSearch(text: string, options: { json?: boolean }): Promise<void> {
  const catalog = await loadCatalog();
  const found = searchCatalog(catalog, text);
  if (options.json) return out(JSON.stringify(found, null, 2));
  if (found.length === 0) return out(`Nothing in the catalog matches "${text}" (${catalog.source}).`);
  for (const s of found) {
    const kinds = [...(s.packages ?? []).map((p) => p.registryType), ...(s.remotes ?? []).map((r) => r.type)].join(', ');
    out(`${s.name}${s.version ? `@${s.version}` : ''}  [${kinds}]\n  ${s.description ?? ''}`);
  }
}

export async function runCatalogShow(name: string, options: { json?: boolean }): Promise<void> {
  const server = findEntry(await loadCatalog(), name);
  if (options.json) return out(JSON.stringify(server, null, 2));
  out(`${server.name}${server.version ? ` ${server.version}` : ' (unversioned)'}${server.title ? ` — ${server.title}` : ''}`);
  if (server.description) out(`  ${server.description}`);
  if (server.repository?.url) out(`  Repository: ${server.repository.url}`);
  (server.packages ?? []).forEach((p, i) => {
    out(`  --package ${i + 1}: ${p.registryType} ${p.identifier}${p.version ? ` ${p.version}` : ''}`);
    for (const v of neededInputs(server, { package: i })) out(`      ${v.key}${v.isRequired ? ' (required)' : ''}${v.isSecret ? ' (secret)' : ''}${v.description ? `: ${v.description}` : ''}`);
  });
  (server.remotes ?? []).forEach((r, i) => {
    out(`  --remote ${i + 1}: ${r.type} ${r.url}`);
    for (const v of neededInputs(server, { remote: i })) out(`      ${v.key}${v.isRequired ? ' (required)' : ''}${v.isSecret ? ' (secret)' : ''}${v.description ? `: ${v.description}` : ''}`);
  });
}

export interface CatalogAddOptions extends CatalogTargetOptions {
  set?: string[];
  yes?: boolean;
  cwd?: string;
}

function describeEntry(entry: ServerEntry): string {
  if (isStdioEntry(entry)) {
    const env = Object.entries(entry.env ?? {}).map(([k, v]) => `\n    env ${k}=${v}`).join('');
    return `${JSON.stringify([entry.command, ...(entry.args ?? [])])}${env}`;
  }
  const headers = Object.entries(entry.headers ?? {}).map(([k, v]) => `\n    header ${k}: ${v}`).join('');
  return `${entry.type} ${entry.url}${headers}`;
}

export async function runCatalogAdd(spec: string, options: CatalogAddOptions): Promise<void> {
  const target = await resolveCatalogTarget(spec, options);
  const { server, localName, scope } = target;
  const inputs = parseSets(options.set);
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  // Ask for required inputs that were not given (secrets without echo).
  for (const need of neededInputs(server, target.choice)) {
    if (Object.hasOwn(inputs, need.key) || need.default !== undefined || !need.isRequired) continue;
    if (!interactive) continue; // renderPlan names the first missing one
    inputs[need.key] = need.isSecret ? await readSecretValue(need.key) : await ask(`${need.key}${need.description ? ` (${need.description})` : ''}: `);
  }
  const plan = planCatalogAdd(target, inputs);
  out(`${server.name} ${server.version ?? ''} (${plan.kind}) as "${localName}" in ${scope} scope:`);
  out(`  ${describeEntry(plan.entry)}`);
  for (const note of plan.notes) out(`  Note: ${note}`);
  const secretNames = Object.keys(plan.secrets);
  if (secretNames.length) out(`  secrets to store: ${secretNames.join(', ')} (the entry only refers to them)`);
  if (!options.yes) {
    if (!interactive) {
      throw new PatchbayError('USAGE', 'not confirmed: nothing was written (no terminal to ask)', { hint: 'Run it in a terminal, or add --yes to write it.' });
    }
    const answer = (await ask('Write this entry? [y/N] ')).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') return out('Nothing was written.');
  }
  const result = await applyCatalogAdd(target, plan, options.cwd ?? process.cwd());
  if (result.secrets.length) out(`Stored ${result.secrets.length} secret${result.secrets.length > 1 ? 's' : ''} in ${result.secretStore}.`);
  out(`Added ${localName} to ${result.file}.`);
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

export async function runCatalogUpdate(options: { registry?: string }): Promise<void> {
  const registry = options.registry ?? OFFICIAL_REGISTRY;
  const servers = await fetchRegistry(registry);
  if (servers.length === 0) throw new PatchbayError('UPSTREAM', `the registry ${registry} listed no valid servers; the catalog was not changed`);
  const file = await saveCatalog(registry, servers);
  out(`Catalog updated from ${registry}: ${servers.length} servers (${file}).`);
}

export async function runCatalogOutdated(options: { json?: boolean }): Promise<void> {
  const catalog = await loadCatalog();
  const origins = await readOrigins();
  const rows = Object.entries(origins).map(([local, origin]) => {
    const latest = catalog.servers.find((s) => s.name === origin.name)?.version;
    return { name: local, entry: origin.name, installed: origin.version, latest, outdated: latest !== undefined && origin.version !== undefined && latest !== origin.version };
  });
  if (options.json) return out(JSON.stringify(rows, null, 2));
  const outdated = rows.filter((r) => r.outdated);
  if (outdated.length === 0) return out(`Everything installed from the catalog is current (${catalog.source}).`);
  for (const r of outdated) out(`${r.name}: ${r.entry} ${r.installed} → ${r.latest}   (patchbay catalog add ${r.entry}@${r.latest} --name ${r.name})`);
}
