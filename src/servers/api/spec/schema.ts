/**
 * OpenAPI schema objects → JSON Schema 2020-12, the dialect MCP tool input schemas use
 * (MCP 2025-11-25, server/tools: "inputSchema … defaults to 2020-12") and Ajv2020 checks.
 *
 * - Only JSON Schema keywords are copied (whitelist): `discriminator`, `xml`, `externalDocs`,
 *   `x-*` and anything unknown are dropped, so nothing from the spec reaches Ajv that it does
 *   not understand as plain data.
 * - OpenAPI 3.0: `nullable` becomes a `null` type; boolean `exclusiveMinimum/Maximum` (draft 4)
 *   become the numeric form; `example` becomes `examples`. Swagger 2.0 `type: file` becomes a
 *   string.
 * - Requests: `readOnly` properties are left out ("SHOULD NOT be sent as part of the request",
 *   OpenAPI 3.0.3 §4.7.24); responses are never validated here.
 * - Cycles (a circular `$ref`, kept by the parser as a circular object) and nesting deeper than
 *   MAX_DEPTH are cut to `{}` with a description saying so: Ajv's advice for untrusted schemas is
 *   to bound their depth, and a circular object would overflow its compiler. MAX_NODES bounds
 *   the size of one converted schema the same way (shared definitions are expanded).
 * - Unknown properties are refused: an object schema that lists properties and says nothing
 *   about others gets `unevaluatedProperties: false` at its composition root (members of
 *   allOf/anyOf/oneOf are left open so the root sees every member's properties).
 */
export type JsonSchema = Record<string, unknown>;

export const MAX_DEPTH = 24;
/** Schema nodes per converted schema: shared definitions are expanded, and must not blow up. */
export const MAX_NODES = 5_000;

const COPY = new Set([
  'title', 'description', 'default', 'enum', 'const', 'format', 'multipleOf', 'maximum', 'minimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'deprecated', 'examples', 'contentMediaType', 'contentEncoding',
]);
const SUBSCHEMA = new Set(['items', 'not', 'additionalProperties', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'if', 'then', 'else']);
const SUBSCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const COMPOSITION = new Set(['allOf', 'anyOf', 'oneOf']);

export interface ConvertOptions {
  /** '2.0', '3.0' or '3.1' (3.1 schemas are 2020-12 already, with the same cleaning). */
  dialect: '2.0' | '3.0' | '3.1';
}

export function toJsonSchema(schema: unknown, options: ConvertOptions): JsonSchema {
  return convert(schema, { ...options, nodes: 0 }, [], false);
}

type State = ConvertOptions & { nodes: number };

function convert(input: unknown, options: State, stack: object[], inComposition: boolean): JsonSchema {
  if (input === true || input === undefined) return {};
  if (input === false) return { not: {} };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return {};
  if (stack.includes(input)) return { description: 'recursive: the same structure as an enclosing object (not checked further here)' };
  if (stack.length >= MAX_DEPTH) return { description: `nested deeper than ${MAX_DEPTH} levels (not checked further here)` };
  if (++options.nodes > MAX_NODES) return { description: `schema larger than ${MAX_NODES} nodes (the rest is not checked here)` };
  const source = input as Record<string, unknown>;
  if (typeof source.$ref === 'string') return { description: `defined elsewhere (${String(source.$ref).slice(0, 200)}; external references are not followed)` };
  const next = [...stack, input];
  const out: JsonSchema = {};

  for (const [key, value] of Object.entries(source)) {
    if (COPY.has(key)) out[key] = key === 'pattern' && typeof value !== 'string' ? undefined : structuredCloneSafe(value);
    else if (key === 'type') out.type = value;
    else if (key === 'example' && source.examples === undefined) out.examples = [structuredCloneSafe(value)];
    else if (SUBSCHEMA.has(key)) out[key] = typeof value === 'boolean' ? value : convert(value, options, next, false);
    else if (SUBSCHEMA_LIST.has(key) && Array.isArray(value)) out[key] = value.map((member) => convert(member, options, next, COMPOSITION.has(key)));
    else if ((key === 'patternProperties' || key === 'dependentSchemas' || key === '$defs') && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, options, next, false)]));
    }
  }
  if (options.dialect === '3.1' && Array.isArray(source.examples)) out.examples = structuredCloneSafe(source.examples);
  if (options.dialect !== '3.1' && source.examples !== undefined && !Array.isArray(source.examples)) delete out.examples;

  // Properties, minus readOnly ones (a request never carries them).
  if (isObject(source.properties)) {
    const properties: Record<string, JsonSchema> = {};
    const dropped = new Set<string>();
    for (const [name, property] of Object.entries(source.properties)) {
      if (isObject(property) && property.readOnly === true) dropped.add(name);
      else properties[name] = convert(property, options, next, false);
    }
    out.properties = properties;
    if (Array.isArray(source.required)) {
      const required = source.required.filter((n): n is string => typeof n === 'string' && !dropped.has(n));
      if (required.length > 0) out.required = required;
    }
  } else if (Array.isArray(source.required) && source.required.length > 0) {
    out.required = source.required.filter((n) => typeof n === 'string');
  }

  if (options.dialect === '2.0' && source.type === 'file') {
    out.type = 'string';
    out.description = joinDescription(out.description, 'a file: send its content as text');
  }
  if (options.dialect !== '3.1') draft4Numbers(source, out);
  if (source.nullable === true && options.dialect === '3.0') addNull(out);

  const openObject = 'additionalProperties' in source || 'unevaluatedProperties' in source || 'patternProperties' in source;
  const describesObject = out.properties !== undefined || ['allOf', 'anyOf', 'oneOf'].some((k) => Array.isArray(out[k]));
  if (!inComposition && describesObject && !openObject && (out.type === undefined || out.type === 'object' || (Array.isArray(out.type) && out.type.includes('object')))) {
    out.unevaluatedProperties = false;
  }
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

/** Draft 4's boolean exclusiveMinimum/Maximum (OpenAPI 3.0, Swagger 2.0) → the numeric form. */
function draft4Numbers(source: Record<string, unknown>, out: JsonSchema): void {
  if (source.exclusiveMinimum === true && typeof source.minimum === 'number') {
    out.exclusiveMinimum = source.minimum;
    delete out.minimum;
  }
  if (source.exclusiveMaximum === true && typeof source.maximum === 'number') {
    out.exclusiveMaximum = source.maximum;
    delete out.maximum;
  }
  if (typeof source.exclusiveMinimum === 'number') out.exclusiveMinimum = source.exclusiveMinimum;
  if (typeof source.exclusiveMaximum === 'number') out.exclusiveMaximum = source.exclusiveMaximum;
}

function addNull(out: JsonSchema): void {
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
}

function joinDescription(existing: unknown, extra: string): string {
  return typeof existing === 'string' && existing !== '' ? `${existing} (${extra})` : extra;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Plain data only: a default or example holding a cycle is dropped rather than cloned forever. */
function structuredCloneSafe(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return undefined;
  }
}
