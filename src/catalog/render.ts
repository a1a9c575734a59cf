/**
 * A registry entry → a runnable server entry, pure: npm → `npx -y pkg@version`, PyPI →
 * `uvx pkg==version`, OCI → `docker run -i --rm [-e NAME]… image[:version]`, a remote →
 * http (streamable-http) or sse with its headers. The version is pinned exactly; arguments are
 * argv items (never a shell line), so `; rm -rf ~` in an entry stays one literal argument. Values
 * come from the entry (`value`, `default`) or the user's inputs; secret ones become
 * `${secret:NAME}` references and are returned separately for the secret store, so no secret is
 * ever written into a host file.
 */
import { PatchbayError } from '../errors.js';
import type { RemoteEntry, ServerEntry, StdioEntry } from '../config/types.js';
import type { Argument, Header, Input, Package, Remote, ServerJson } from './server-json.js';

export interface Needed {
  key: string;
  description?: string;
  isSecret: boolean;
  isRequired: boolean;
  default?: string;
  choices?: string[];
}

export interface Plan {
  entry: ServerEntry;
  /** Secret name → value, to put in the secret store before the entry is written. */
  secrets: Record<string, string>;
  /** What the choice asks of the user (for prompts and messages). */
  needed: Needed[];
  kind: string;
  /** Things to tell before confirming (an image without a tag). */
  notes: string[];
}

export type Choice = { package: number } | { remote: number };

/** The inputs a choice uses: env vars, arguments, headers and `{variables}`, keyed by name. */
export function neededInputs(server: ServerJson, choice: Choice): Needed[] {
  const out = new Map<string, Needed>();
  const add = (key: string, input: Input, fixed: boolean) => {
    for (const [name, v] of Object.entries(input.variables ?? {})) add(name, v, false);
    if (fixed) return;
    if (!out.has(key)) out.set(key, { key, description: input.description, isSecret: input.isSecret === true, isRequired: input.isRequired === true, default: input.default, choices: input.choices });
  };
  if ('package' in choice) {
    const p = server.packages![choice.package]!;
    for (const env of p.environmentVariables ?? []) add(env.name, env, env.value !== undefined);
    for (const arg of [...(p.runtimeArguments ?? []), ...(p.packageArguments ?? [])]) add(argKey(arg), arg, arg.value !== undefined);
  } else {
    const r = server.remotes![choice.remote]!;
    for (const [name, v] of Object.entries(r.variables ?? {})) add(name, v, false);
    for (const h of r.headers ?? []) add(h.name, h, h.value !== undefined);
  }
  return [...out.values()];
}

function argKey(arg: Argument): string {
  return arg.type === 'named' ? (arg.name ?? '').replace(/^-+/, '') : (arg.valueHint ?? 'value');
}

export function secretNameFor(localName: string, key: string): string {
  return `${localName}.${key}`.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z_]/, '_');
}

interface Resolver {
  /** The value of an input, or undefined when it has none and is optional. */
  value(key: string, input: Input): string | undefined;
}

function makeResolver(localName: string, inputs: Record<string, string>, secrets: Record<string, string>): Resolver {
  return {
    value(key, input) {
      const given = Object.hasOwn(inputs, key) ? inputs[key] : undefined;
      const raw = input.value ?? given ?? input.default;
      if (raw === undefined) {
        if (input.isRequired) throw new PatchbayError('USAGE', `the input ${key} is required${input.description ? ` (${input.description})` : ''}`, { hint: `Give it with --set ${key}=VALUE` });
        return undefined;
      }
      if (input.choices && given !== undefined && input.value === undefined && !input.choices.includes(given)) {
        throw new PatchbayError('USAGE', `${key} must be one of ${input.choices.join(', ')}`, { hint: `--set ${key}=${input.choices[0]}` });
      }
      // `{var}` placeholders of the value (server.json "variables").
      const expanded = raw.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
        const variable = input.variables?.[name];
        if (!variable) return whole;
        // The variable's plain value: only the finished value is stored (as one secret when any part is secret).
        const v = makeResolver(localName, inputs, {}).value(name, { ...variable, isSecret: false });
        return v ?? '';
      });
      const secretVars = Object.entries(input.variables ?? {}).some(([, v]) => v.isSecret);
      if (input.isSecret || secretVars) {
        const secretName = secretNameFor(localName, key);
        secrets[secretName] = expanded;
        return `\${secret:${secretName}}`;
      }
      return expanded;
    },
  };
}

function renderArgs(args: Argument[] | undefined, resolve: Resolver): string[] {
  const out: string[] = [];
  for (const arg of args ?? []) {
    const value = resolve.value(argKey(arg), arg);
    if (arg.type === 'named') {
      if (!arg.name) continue;
      if (value === undefined) {
        if (arg.isRequired && arg.value === undefined) continue;
        continue;
      }
      out.push(arg.name, value);
    } else if (value !== undefined) out.push(value);
  }
  return out;
}

function renderPackage(p: Package, resolve: Resolver): StdioEntry | RemoteEntry {
  const version = p.version;
  const env: Record<string, string> = {};
  for (const variable of p.environmentVariables ?? []) {
    const value = resolve.value(variable.name, variable);
    if (value !== undefined) env[variable.name] = value;
  }
  const runtime = renderArgs(p.runtimeArguments, resolve);
  const pkgArgs = renderArgs(p.packageArguments, resolve);
  let command: string;
  let args: string[];
  switch (p.registryType) {
    case 'npm':
      if (!version) throw new PatchbayError('USAGE', `the npm package ${p.identifier} has no version to pin`);
      command = 'npx';
      args = ['-y', ...runtime, `${p.identifier}@${version}`, ...pkgArgs];
      break;
    case 'pypi':
      if (!version) throw new PatchbayError('USAGE', `the PyPI package ${p.identifier} has no version to pin`);
      command = 'uvx';
      args = [...runtime, `${p.identifier}==${version}`, ...pkgArgs];
      break;
    case 'oci': {
      const tagged = /[:@][^/]+$/.test(p.identifier) ? p.identifier : version ? `${p.identifier}:${version}` : p.identifier;
      command = 'docker';
      // The variables reach the container by name only: their values stay in the entry's env (or the secret store).
      args = ['run', '-i', '--rm', ...runtime, ...Object.keys(env).flatMap((n) => ['-e', n]), tagged, ...pkgArgs];
      break;
    }
    default:
      throw new PatchbayError('USAGE', `packages of type ${p.registryType} cannot be installed from the catalog yet`, {
        hint: p.registryType === 'mcpb' ? 'Install the bundle with patchbay install URL.' : 'Pick another package with --package N, or a remote with --remote N.',
      });
  }
  if (p.transport && p.transport.type !== 'stdio' && p.transport.url) {
    throw new PatchbayError('USAGE', `the package ${p.identifier} serves ${p.transport.type} on a local port, which Patchbay cannot start yet`, { hint: 'Pick another package or a remote.' });
  }
  return { type: 'stdio', command, args, ...(Object.keys(env).length ? { env } : {}) };
}

function renderRemote(r: Remote, resolve: Resolver): RemoteEntry {
  const url = r.url.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => (r.variables?.[name] ? encodeURIComponent(resolve.value(name, r.variables[name]) ?? '') : whole));
  const headers: Record<string, string> = {};
  for (const h of r.headers ?? ([] as Header[])) {
    const value = resolve.value(h.name, h);
    if (value !== undefined) headers[h.name] = value;
  }
  const type = r.type === 'sse' ? 'sse' : 'http';
  return { type, url, ...(Object.keys(headers).length ? { headers } : {}) };
}

export function renderPlan(server: ServerJson, choice: Choice, localName: string, inputs: Record<string, string>): Plan {
  const secrets: Record<string, string> = {};
  const resolve = makeResolver(localName, inputs, secrets);
  const needed = neededInputs(server, choice);
  if ('package' in choice) {
    const p = server.packages?.[choice.package];
    if (!p) throw new PatchbayError('USAGE', `${server.name} has no package ${choice.package + 1}`, { hint: `It has ${server.packages?.length ?? 0}; see patchbay catalog show ${server.name}` });
    const notes = p.registryType === 'oci' && !p.version && !/[:@][^/]+$/.test(p.identifier) ? [`the entry gives the image ${p.identifier} no tag: docker runs its latest build`] : [];
    return { entry: renderPackage(p, resolve), secrets, needed, kind: p.registryType, notes };
  }
  const r = server.remotes?.[choice.remote];
  if (!r) throw new PatchbayError('USAGE', `${server.name} has no remote ${choice.remote + 1}`, { hint: `It has ${server.remotes?.length ?? 0}; see patchbay catalog show ${server.name}` });
  return { entry: renderRemote(r, resolve), secrets, needed, kind: r.type, notes: [] };
}

/** The default choice: the first package Patchbay can run, else the first remote. */
export function defaultChoice(server: ServerJson): Choice {
  const index = (server.packages ?? []).findIndex((p) => ['npm', 'pypi', 'oci'].includes(p.registryType));
  if (index >= 0) return { package: index };
  if (server.remotes?.length) return { remote: 0 };
  throw new PatchbayError('USAGE', `${server.name} has no package or remote Patchbay can install`, { hint: server.repository?.url ? `See ${server.repository.url}` : undefined });
}
