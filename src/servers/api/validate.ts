/**
 * Checking a call against the spec before anything is sent: Ajv (JSON Schema 2020-12) over the
 * grouped arguments of input-schema.ts. Ajv compiles schemas into functions; its generated code
 * never carries schema values as code, and the schema itself is plain data cleaned by
 * spec/schema.ts (whitelisted keywords, bounded depth and size). `pattern` is matched by RE2
 * (re2js), whose time is linear in the input, so a spec cannot make a call hang on a
 * catastrophic regular expression; a pattern RE2 cannot express (look-around, back-references)
 * is left to the API to check. Validators are compiled on first use, once per operation.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { RE2JS } from 're2js';
import type { JsonSchema } from './spec/schema.js';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/**
 * Ajv's `code.regExp` engine. Ajv caches compiled patterns by `toString()` of what this returns
 * (vocabularies/code.js usePattern), so each matcher must print as its own pattern — an object
 * that prints `[object Object]` would make every pattern share the first one compiled.
 */
function re2Engine(pattern: string): { test(s: string): boolean; toString(): string } {
  const key = () => `re2:${pattern}`;
  try {
    const compiled = RE2JS.compile(pattern);
    return { test: (s: string) => compiled.test(s), toString: key };
  } catch {
    return { test: () => true, toString: () => `unchecked:${pattern}` };
  }
}
re2Engine.code = 're2js';

export interface ArgumentValidator {
  /** undefined when the arguments are valid, else messages naming each field. */
  check(key: string, schema: JsonSchema, args: unknown): string[] | undefined;
}

export function createArgumentValidator(): ArgumentValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true, logger: false, code: { regExp: re2Engine } });
  addFormats(ajv);
  // OpenAPI's own formats (3.0.3 §4.4): numbers are checked by range, the rest are hints.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  for (const name of ['float', 'double']) ajv.addFormat(name, { type: 'number', validate: () => true });
  for (const name of ['byte', 'binary', 'password']) ajv.addFormat(name, () => true);
  const compiled = new Map<string, ValidateFunction>();
  return {
    check(key, schema, args) {
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.compile(schema);
        compiled.set(key, validate);
      }
      if (validate(args)) return undefined;
      return describeErrors(validate.errors ?? []);
    },
  };
}

const MAX_MESSAGES = 6;

/** Ajv errors as `query.limit: must be integer`, one per field, the most useful first. */
export function describeErrors(errors: ErrorObject[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  // Errors inside an anyOf/oneOf branch are noise next to the branch's own summary error.
  const ranked = [...errors].sort((a, b) => rank(a) - rank(b));
  for (const error of ranked) {
    const message = describe(error);
    if (seen.has(message)) continue;
    seen.add(message);
    out.push(message);
    if (out.length === MAX_MESSAGES) break;
  }
  return out;
}

function rank(error: ErrorObject): number {
  if (['required', 'additionalProperties', 'unevaluatedProperties'].includes(error.keyword)) return 0;
  if (['oneOf', 'anyOf'].includes(error.keyword)) return 2;
  return error.schemaPath.includes('Of/') ? 3 : 1;
}

function field(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return parts.length === 0 ? 'arguments' : parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${field(error.instancePath, String(params.missingProperty))} is required`;
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(params.additionalProperty ?? params.unevaluatedProperty);
      const known = Object.keys(((error.parentSchema as JsonSchema | undefined)?.properties ?? {}) as object);
      return `${field(error.instancePath, name)}: unknown argument${known.length > 0 ? ` (expected ${known.slice(0, 20).join(', ')})` : ''}`;
    }
    case 'enum':
      return `${field(error.instancePath)}: must be one of ${JSON.stringify(params.allowedValues)}`;
    default:
      return `${field(error.instancePath)}: ${error.message ?? error.keyword}`;
  }
}
