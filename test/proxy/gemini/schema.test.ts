import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toGeminiParameters, toGeminiSchema as convert } from '../../../src/proxy/gemini/schema.js';
import type { GeminiSchema } from '../../../src/proxy/gemini/types.js';

/** The OpenAPI-subset form, failing when the conversion chose plain JSON Schema. */
function toGeminiSchema(schema: Record<string, unknown>): GeminiSchema {
  const out = convert(schema);
  if (out.kind !== 'openapi') throw new Error(`expected the OpenAPI subset, got JSON Schema for ${JSON.stringify(schema)}`);
  return out.schema;
}

/** Keys Gemini's Schema object accepts (https://ai.google.dev/api/caching#Schema). */
const ALLOWED = new Set([
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'items', 'minItems', 'maxItems', 'properties', 'required',
  'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'anyOf', 'propertyOrdering',
]);

function assertGeminiSubset(schema: unknown, path = '$'): void {
  const node = schema as Record<string, unknown>;
  for (const key of Object.keys(node)) if (!ALLOWED.has(key)) throw new Error(`${path}.${key} is not in Gemini's schema subset`);
  if (node.properties && node.type !== 'OBJECT') throw new Error(`${path}: properties on a non-object`);
  if (Array.isArray(node.required)) for (const r of node.required) if (!(r in (node.properties as object))) throw new Error(`${path}: required ${r} is not a property`);
  if (node.enum && node.type !== 'STRING') throw new Error(`${path}: enum on a non-string`);
  if (node.format && node.type === 'STRING' && !['enum', 'date-time'].includes(node.format as string)) throw new Error(`${path}: string format ${node.format}`);
  for (const [k, v] of Object.entries((node.properties as Record<string, unknown>) ?? {})) assertGeminiSubset(v, `${path}.properties.${k}`);
  if (node.items) assertGeminiSubset(node.items, `${path}.items`);
  for (const [i, b] of ((node.anyOf as unknown[]) ?? []).entries()) assertGeminiSubset(b, `${path}.anyOf[${i}]`);
}

describe('JSON Schema → Gemini schema subset', () => {
  it('converts every tool schema of a real Claude Code request into the accepted subset', () => {
    const request = JSON.parse(readFileSync(new URL('../openai/fixtures/claude-code-request-turn2.json', import.meta.url), 'utf8'));
    const bash = request.tools.find((t: { name: string }) => t.name === 'Bash');
    const converted = toGeminiParameters(bash.input_schema)!;
    expect(converted.kind).toBe('openapi');
    const params = converted.schema as GeminiSchema;
    expect(params.type).toBe('OBJECT');
    expect(params.required).toEqual(['command']);
    expect(params.properties?.timeout).toEqual({ type: 'NUMBER', description: 'Optional timeout in milliseconds (max 600000)' });
    for (const tool of request.tools) {
      const each = toGeminiParameters(tool.input_schema)!;
      expect(each.kind, tool.name).toBe('openapi');
      assertGeminiSubset(each.schema);
    }
  });

  it('drops $schema, additionalProperties and unsupported string formats', () => {
    const out = toGeminiSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      properties: { url: { type: 'string', format: 'uri' }, when: { type: 'string', format: 'date-time' }, n: { type: 'integer', format: 'int64' } },
    });
    expect(out).toEqual({
      type: 'OBJECT',
      properties: { url: { type: 'STRING' }, when: { type: 'STRING', format: 'date-time' }, n: { type: 'INTEGER', format: 'int64' } },
    });
  });

  it('inlines $ref from $defs and definitions', () => {
    const out = toGeminiSchema({
      type: 'object',
      $defs: { Point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } },
      definitions: { Pair: { type: 'array', items: { $ref: '#/$defs/Point' } } },
      properties: { at: { $ref: '#/$defs/Point', description: 'where' }, pair: { $ref: '#/definitions/Pair' } },
    });
    expect(out.properties?.at).toEqual({ type: 'OBJECT', description: 'where', properties: { x: { type: 'NUMBER' } }, required: ['x'] });
    expect(out.properties?.pair).toEqual({ type: 'ARRAY', items: { type: 'OBJECT', properties: { x: { type: 'NUMBER' } }, required: ['x'] } });
    assertGeminiSubset(out);
  });

  it('sends what the subset cannot say (maps, recursion, any-typed values) as plain JSON Schema', () => {
    const map = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { env: { type: 'object', additionalProperties: { type: 'string' } } } };
    expect(toGeminiParameters(map)).toEqual({ kind: 'json', schema: { type: 'object', properties: { env: { type: 'object', additionalProperties: { type: 'string' } } } } });
    const recursive = { type: 'object', definitions: { Node: { type: 'object', properties: { next: { $ref: '#/definitions/Node' } } } }, properties: { list: { $ref: '#/definitions/Node' } } };
    expect(convert(recursive)).toEqual({ kind: 'json', schema: recursive });
    expect(convert({ type: 'object', properties: { value: { description: 'anything' } } }).kind).toBe('json');
    expect(convert({ type: 'object', properties: { tags: { type: 'array' } } }).kind).toBe('json');
    expect(toGeminiParameters({ type: 'object', additionalProperties: true })?.kind).toBe('json');
  });

  it('turns const into a one-value enum and describes non-string enums', () => {
    expect(toGeminiSchema({ const: 'fixed' })).toEqual({ type: 'STRING', enum: ['fixed'] });
    expect(toGeminiSchema({ type: 'integer', enum: [1, 2, 3], description: 'Level.' })).toEqual({ type: 'INTEGER', description: 'Level. One of: 1, 2, 3.' });
    expect(toGeminiSchema({ type: ['string', 'null'], enum: ['a', 'b', null] })).toEqual({ type: 'STRING', nullable: true, enum: ['a', 'b'] });
  });

  it('maps nullable unions and type arrays', () => {
    expect(toGeminiSchema({ type: ['string', 'null'] })).toEqual({ type: 'STRING', nullable: true });
    expect(toGeminiSchema({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toEqual({ type: 'STRING', nullable: true });
    expect(toGeminiSchema({ type: ['string', 'number'] })).toEqual({ anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] });
    expect(toGeminiSchema({ oneOf: [{ type: 'string' }, { type: 'integer' }] })).toEqual({ anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }] });
  });

  it('maps exclusive bounds to inclusive ones and keeps ranges', () => {
    expect(toGeminiSchema({ type: 'number', exclusiveMinimum: 0, maximum: 10 })).toEqual({ type: 'NUMBER', minimum: 0, maximum: 10 });
    expect(toGeminiSchema({ type: 'string', minLength: 1, pattern: '^a' })).toEqual({ type: 'STRING', minLength: 1, pattern: '^a' });
  });

  it('merges allOf into one object', () => {
    const out = toGeminiSchema({ allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'boolean' } } }] });
    expect(out).toEqual({ type: 'OBJECT', properties: { a: { type: 'STRING' }, b: { type: 'BOOLEAN' } }, required: ['a'] });
  });

  it('drops required names that are not properties and properties on non-objects', () => {
    const out = toGeminiSchema({ type: 'object', properties: { a: { type: 'string', properties: { x: {} } } }, required: ['a', 'ghost'] });
    expect(out).toEqual({ type: 'OBJECT', properties: { a: { type: 'STRING' } }, required: ['a'] });
  });

  it('omits parameters for a tool without arguments (empty OBJECT properties is a 400)', () => {
    expect(toGeminiParameters({ type: 'object', properties: {} })).toBeUndefined();
    expect(toGeminiParameters({ type: 'object' })).toBeUndefined();
    expect(toGeminiParameters(undefined)).toBeUndefined();
  });
});
