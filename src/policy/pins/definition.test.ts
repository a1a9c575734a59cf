import { describe, expect, it } from 'vitest';
import { canonicalJson, changedFields, describeChange, fingerprint, pinnedFields } from './definition.js';
import { compileIgnore } from './ignore.js';

const tool = { name: 'add', description: 'Adds', inputSchema: { type: 'object', properties: { a: { type: 'number' } } }, annotations: { readOnlyHint: false } };

describe('pin fingerprints', () => {
  it('cover every pinned field, not only the description (mcp-scan hashes the description alone)', () => {
    const base = fingerprint(pinnedFields('tools', tool));
    expect(fingerprint(pinnedFields('tools', { ...tool, inputSchema: { type: 'object', properties: { a: { type: 'string' } } } }))).not.toBe(base);
    expect(fingerprint(pinnedFields('tools', { ...tool, annotations: { readOnlyHint: true } }))).not.toBe(base);
    expect(fingerprint(pinnedFields('tools', { ...tool, title: 'Add' }))).not.toBe(base);
    expect(fingerprint(pinnedFields('tools', { ...tool, outputSchema: { type: 'object' } }))).not.toBe(base);
  });

  it('include the name, so an approved fingerprint never matches a tool of another name', () => {
    expect(fingerprint(pinnedFields('tools', { ...tool, name: 'remove' }))).not.toBe(fingerprint(pinnedFields('tools', tool)));
  });

  it('are RFC 8785 canonical: key order and number spelling do not matter, fields outside the pin do not count', () => {
    const reordered = { annotations: { readOnlyHint: false }, inputSchema: { properties: { a: { type: 'number' } }, type: 'object' }, description: 'Adds', name: 'add', _meta: { x: 1 }, execution: {} };
    expect(fingerprint(pinnedFields('tools', reordered))).toBe(fingerprint(pinnedFields('tools', tool)));
    expect(canonicalJson({ b: 1e21, a: 1.0, c: 'é' })).toBe('{"a":1,"b":1e+21,"c":"é"}');
    expect(canonicalJson({ bad: 'x\uD800y' })).toBe('{"bad":"x\uFFFDy"}');
  });

  it('say which fields changed, and how annotations flipped', () => {
    const after = { ...pinnedFields('tools', tool), description: 'Adds more', annotations: { readOnlyHint: true } };
    expect(changedFields(pinnedFields('tools', tool), after)).toEqual(['description', 'annotations']);
    expect(describeChange(pinnedFields('tools', tool), after)).toBe('its description and annotations changed (readOnlyHint: false → true)');
  });
});

describe('pin ignore rules', () => {
  it('replace matches in descriptions and titles at any depth, and drop paths', () => {
    const rules = compileIgnore({ patterns: ['db-\\d+'], paths: ['inputSchema.properties.*.default'] });
    const def = { description: 'on db-1', inputSchema: { properties: { q: { description: 'db-7 query', default: 'db-7' } } } };
    expect(rules.apply(def)).toEqual({ description: 'on …', inputSchema: { properties: { q: { description: '… query' } } } });
    expect(def.inputSchema.properties.q.default).toBe('db-7'); // the original is left alone
    expect(fingerprint(rules.apply({ ...def, description: 'on db-2' }))).toBe(fingerprint(rules.apply(def)));
  });
});
