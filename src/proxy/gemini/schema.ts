/**
 * JSON Schema (what MCP tools and Claude Code send as `input_schema`) → what Gemini accepts.
 *
 * Gemini takes a tool's parameters in two forms (FunctionDeclaration,
 * https://ai.google.dev/api/caching#FunctionDeclaration): `parameters`, an OpenAPI 3.0 subset that
 * every Gemini model and Vertex AI accept, and `parametersJsonSchema`, plain JSON Schema, newer.
 * The subset is used whenever it can say what the schema says, after removing what it rejects
 * with 400 INVALID_ARGUMENT: `$schema`, `additionalProperties`, `$ref`/`$defs` (inlined),
 * `const` (a one-value enum), `exclusiveMinimum`, string formats other than enum/date-time,
 * `properties` on non-objects, `required` names that are not properties, non-string enums
 * (moved into the description). What the subset cannot say is a free-form value: an OBJECT
 * without properties (a map such as `env`; Gemini answers "properties: should be non-empty for
 * OBJECT type", and proto maps cannot tell absent from empty), an array without `items`, a value
 * of any type. Squeezing those into the subset would change the arguments the model produces, so
 * such a tool goes as `parametersJsonSchema` instead, with only `$schema` removed.
 * Structured output (`output_config.format`) follows the same rule with
 * `responseSchema` / `responseJsonSchema`.
 */
import type { GeminiSchema } from './types.js';

type Json = Record<string, unknown>;
type GeminiType = NonNullable<GeminiSchema['type']>;

const TYPES: Record<string, GeminiType> = {
  string: 'STRING', number: 'NUMBER', integer: 'INTEGER', boolean: 'BOOLEAN', array: 'ARRAY', object: 'OBJECT',
};
/** Formats Gemini accepts per type; any other format is a 400. */
const FORMATS: Partial<Record<GeminiType, string[]>> = {
  STRING: ['enum', 'date-time'], NUMBER: ['float', 'double'], INTEGER: ['int32', 'int64'],
};
const COPIED_NUMBERS = ['minItems', 'maxItems', 'minProperties', 'maxProperties', 'minLength', 'maxLength', 'minimum', 'maximum'] as const;
/** `$ref` chains deeper than this are recursive schemas: the rest is described, not inlined. */
const MAX_REF_DEPTH = 8;

interface Walk {
  defs: Json;
  refDepth: number;
  /** Set when a node has no faithful form in the subset (see the file comment). */
  lossy: { value: boolean };
}

export type SchemaForGemini =
  | { kind: 'openapi'; schema: GeminiSchema }
  | { kind: 'json'; schema: Json };

/**
 * A tool's parameters: undefined when the tool takes no arguments, because Gemini rejects
 * `{type: OBJECT, properties: {}}`.
 */
export function toGeminiParameters(inputSchema: Json | undefined): SchemaForGemini | undefined {
  if (!inputSchema) return undefined;
  const hasProperties = isObject(inputSchema.properties) && Object.keys(inputSchema.properties).length > 0;
  const freeForm = inputSchema.additionalProperties !== undefined && inputSchema.additionalProperties !== false;
  if (!hasProperties && !freeForm && !Array.isArray(inputSchema.allOf) && typeof inputSchema.$ref !== 'string') return undefined;
  const converted = toGeminiSchema(inputSchema);
  if (converted.kind === 'json') return converted;
  if (!converted.schema.properties || Object.keys(converted.schema.properties).length === 0) return undefined;
  return { kind: 'openapi', schema: { ...converted.schema, type: 'OBJECT' } };
}

/** The OpenAPI subset when it is faithful, else the JSON Schema itself (without `$schema`). */
export function toGeminiSchema(schema: Json): SchemaForGemini {
  const defs = { ...asObject(schema.definitions), ...asObject(schema.$defs) };
  const walk: Walk = { defs, refDepth: 0, lossy: { value: false } };
  const converted = convert(schema, walk);
  if (!walk.lossy.value) return { kind: 'openapi', schema: converted };
  const { $schema: _dropped, ...json } = schema;
  return { kind: 'json', schema: json };
}

function convert(input: unknown, walk: Walk): GeminiSchema {
  let node = asObject(input);
  if (typeof node.$ref === 'string') {
    const target = resolveRef(node.$ref, walk.defs);
    if (!target || walk.refDepth >= MAX_REF_DEPTH) {
      walk.lossy.value = true;
      return { type: 'OBJECT', description: joinDescription(node.description, `(recursive: ${node.$ref})`) };
    }
    const { $ref: _ref, ...siblings } = node;
    return convert({ ...target, ...siblings }, { ...walk, refDepth: walk.refDepth + 1 });
  }
  if (Array.isArray(node.allOf)) node = mergeAllOf(node, walk);

  const out: GeminiSchema = {};
  const types = typeList(node);
  const nullable = types.includes('null') || node.nullable === true;
  const concrete = types.filter((t) => t !== 'null');
  const union = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;

  if (concrete.length > 1) {
    // ["string","number"]: Gemini has one type per schema, so a union of single-type schemas.
    const { type: _t, ...rest } = node;
    out.anyOf = concrete.map((t) => convert({ ...rest, type: t }, walk));
  } else if (union) {
    const branches = union.filter((b) => asObject(b).type !== 'null');
    if (branches.length < union.length) out.nullable = true;
    if (branches.length === 1) Object.assign(out, convert(branches[0], walk));
    else out.anyOf = branches.map((b) => convert(b, walk));
  } else {
    const type = concrete[0] !== undefined ? TYPES[concrete[0]] : inferType(node);
    if (type) out.type = type;
    else if (!Array.isArray(node.enum) && !('const' in node)) walk.lossy.value = true;
  }
  if (nullable) out.nullable = true;
  if (typeof node.title === 'string' && node.title.length > 0) out.title = node.title;
  if (typeof node.description === 'string' && node.description.length > 0) out.description = node.description;

  applyEnum(node, out);
  const formats = out.type ? FORMATS[out.type] : undefined;
  if (typeof node.format === 'string' && formats?.includes(node.format)) out.format = node.format;
  for (const key of COPIED_NUMBERS) if (typeof node[key] === 'number') out[key] = node[key] as number;
  // Exclusive bounds have no Gemini keyword; the inclusive bound keeps the model in range.
  if (typeof node.exclusiveMinimum === 'number' && out.minimum === undefined) out.minimum = node.exclusiveMinimum;
  if (typeof node.exclusiveMaximum === 'number' && out.maximum === undefined) out.maximum = node.exclusiveMaximum;
  if (out.type === 'STRING' && typeof node.pattern === 'string') out.pattern = node.pattern;

  if (out.type === 'ARRAY') {
    const items = Array.isArray(node.items) ? node.items[0] : node.items;
    if (items === undefined || items === true) walk.lossy.value = true;
    out.items = items === undefined || items === true ? { type: 'STRING' } : convert(items, walk);
  }
  if (out.type === 'OBJECT' && node.properties && typeof node.properties === 'object') {
    const properties: Record<string, GeminiSchema> = {};
    for (const [name, value] of Object.entries(node.properties as Json)) properties[name] = convert(value, walk);
    if (Object.keys(properties).length > 0) {
      out.properties = properties;
      const required = Array.isArray(node.required) ? node.required.filter((r): r is string => typeof r === 'string' && r in properties) : [];
      if (required.length > 0) out.required = required;
    }
  }
  if (out.type === 'OBJECT' && !out.properties) walk.lossy.value = true;
  return out;
}

/** `const` becomes a one-value enum; Gemini enums are strings only, so other enums are described. */
function applyEnum(node: Json, out: GeminiSchema): void {
  const values = Array.isArray(node.enum) ? node.enum : 'const' in node ? [node.const] : undefined;
  if (!values || values.length === 0) return;
  const present = values.filter((v) => v !== null);
  if (present.length < values.length) out.nullable = true;
  if (present.length > 0 && present.every((v) => typeof v === 'string') && (out.type === 'STRING' || out.type === undefined)) {
    out.type = 'STRING';
    out.enum = present as string[];
    return;
  }
  const listed = present.map((v) => JSON.stringify(v)).join(', ');
  if (listed) out.description = joinDescription(out.description, `One of: ${listed}.`);
}

function mergeAllOf(node: Json, walk: Walk): Json {
  const { allOf, ...rest } = node;
  const merged: Json = { ...rest };
  const properties: Json = { ...asObject(rest.properties) };
  const required = new Set<string>(Array.isArray(rest.required) ? (rest.required as string[]) : []);
  for (const part of allOf as unknown[]) {
    let branch = asObject(part);
    if (typeof branch.$ref === 'string') branch = resolveRef(branch.$ref, walk.defs) ?? {};
    Object.assign(properties, asObject(branch.properties));
    if (Array.isArray(branch.required)) for (const r of branch.required) if (typeof r === 'string') required.add(r);
    for (const [key, value] of Object.entries(branch)) {
      if (key !== 'properties' && key !== 'required' && !(key in merged)) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function typeList(node: Json): string[] {
  if (typeof node.type === 'string') return [node.type];
  if (Array.isArray(node.type)) return node.type.filter((t): t is string => typeof t === 'string');
  return [];
}

function inferType(node: Json): GeminiType | undefined {
  if (node.properties || node.additionalProperties) return 'OBJECT';
  if (node.items) return 'ARRAY';
  return undefined;
}

function resolveRef(ref: string, defs: Json): Json | undefined {
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  if (!match?.[1]) return undefined;
  const name = decodeURIComponent(match[1]).replace(/~1/g, '/').replace(/~0/g, '~');
  const target = defs[name];
  return target && typeof target === 'object' ? (target as Json) : undefined;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asObject(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function joinDescription(existing: unknown, extra: string): string {
  return typeof existing === 'string' && existing.length > 0 ? `${existing} ${extra}` : extra;
}
