/**
 * Registry entries (`server.json`, MCP Registry schema 2025-12-11): reading both the current
 * camelCase shape and the older snake_case one (registry of mid-2025: `registry_name`, `name`
 * for the package, `package_arguments`, `is_secret`, `transport_type`, `version_detail`), and
 * validating against the registry's own schema (shipped in catalog/). Hosted remotes of the
 * snapshot may lack `version` (the reference data's deviation 1): they are read as unversioned.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

export interface Input {
  description?: string;
  isRequired?: boolean;
  isSecret?: boolean;
  default?: string;
  value?: string;
  choices?: string[];
  format?: string;
  variables?: Record<string, Input>;
}
export interface EnvVar extends Input {
  name: string;
}
export interface Argument extends Input {
  type: 'positional' | 'named';
  name?: string;
  valueHint?: string;
  isRepeated?: boolean;
}
export interface Header extends Input {
  name: string;
}
export interface Package {
  registryType: string;
  registryBaseUrl?: string;
  identifier: string;
  version?: string;
  runtimeHint?: string;
  transport?: { type: string; url?: string; headers?: Header[] };
  runtimeArguments?: Argument[];
  packageArguments?: Argument[];
  environmentVariables?: EnvVar[];
  fileSha256?: string;
}
export interface Remote {
  type: string;
  url: string;
  headers?: Header[];
  variables?: Record<string, Input>;
}
export interface ServerJson {
  name: string;
  description?: string;
  title?: string;
  version?: string;
  websiteUrl?: string;
  repository?: { url?: string; source?: string; subfolder?: string };
  packages?: Package[];
  remotes?: Remote[];
  _meta?: Record<string, unknown>;
}

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function camelize(value: unknown, keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => camelize(v));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // `_meta`, header/variable maps are data, not schema keys.
    const dataKey = key === '_meta' || key === 'variables' || keepKeys;
    out[dataKey || key.startsWith('$') ? key : camel(key)] = key === '_meta' ? v : camelize(v, key === 'variables');
  }
  return out;
}

/** Any supported shape → the 2025-12-11 camelCase shape. */
export function normalizeServerJson(raw: unknown): ServerJson {
  const value = camelize(raw) as Record<string, unknown> & { versionDetail?: { version?: string } };
  if (value.version === undefined && typeof value.versionDetail?.version === 'string') value.version = value.versionDetail.version;
  delete value.versionDetail;
  for (const p of (value.packages as Record<string, unknown>[] | undefined) ?? []) {
    if (p.registryType === undefined && typeof p.registryName === 'string') p.registryType = p.registryName;
    if (p.identifier === undefined && typeof p.name === 'string') p.identifier = p.name;
    delete p.registryName;
    if (p.identifier !== undefined) delete p.name;
    if (p.transport === undefined) p.transport = { type: 'stdio' };
  }
  for (const r of (value.remotes as Record<string, unknown>[] | undefined) ?? []) {
    if (r.type === undefined && typeof r.transportType === 'string') r.type = r.transportType;
    delete r.transportType;
  }
  return value as unknown as ServerJson;
}

const SCHEMA_FILE = new URL('../../catalog/server.schema.2025-12-11.json', import.meta.url);
let validator: ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };

/** Problems with an entry against the registry's schema, as "path: message" lines; [] when valid. */
export function validateServerJson(entry: ServerJson, options: { allowUnversioned?: boolean } = {}): string[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
    validator = ajv.compile(schema) as typeof validator;
  }
  const data = options.allowUnversioned && entry.version === undefined ? { ...entry, version: '0.0.0' } : entry;
  if (validator(data)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '(entry)'}: ${e.message ?? 'invalid'}`);
}
