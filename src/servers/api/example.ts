/**
 * A small example of a call's arguments for api_describe, from the schema: the spec's own
 * example or default where it gives one, the first enum value, else a value of the right type.
 * Required properties only, plus up to three optional ones, so the example stays short.
 */
import type { JsonSchema } from './spec/schema.js';

export function exampleOf(schema: JsonSchema, depth = 0): unknown {
  if (depth > 6) return undefined;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ['oneOf', 'anyOf'] as const) {
    const first = (schema[key] as JsonSchema[] | undefined)?.[0];
    if (first) return exampleOf(first, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...(schema.allOf as JsonSchema[]).map((member) => exampleOf(member, depth + 1)).filter((v) => typeof v === 'object' && v !== null));
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'object' || (type === undefined && schema.properties)) {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const optional = Object.keys(properties).filter((k) => !required.has(k)).slice(0, required.size > 0 ? 0 : 3);
    const out: Record<string, unknown> = {};
    for (const key of [...required, ...optional]) {
      const value = properties[key] ? exampleOf(properties[key], depth + 1) : undefined;
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
  if (type === 'array') return [exampleOf((schema.items ?? {}) as JsonSchema, depth + 1) ?? 'string'];
  if (type === 'integer') return typeof schema.minimum === 'number' ? schema.minimum : 1;
  if (type === 'number') return typeof schema.minimum === 'number' ? schema.minimum : 1.5;
  if (type === 'boolean') return true;
  if (type === 'string') {
    if (schema.format === 'date-time') return '2025-01-01T00:00:00Z';
    if (schema.format === 'date') return '2025-01-01';
    if (schema.format === 'email') return 'user@example.com';
    if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
    return 'string';
  }
  return undefined;
}
