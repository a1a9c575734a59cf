/** The entry options pinning reads (`patchbay.pinning`, `patchbay.pinIgnore`): valid ones pass, mistakes say what and where. */
import { describe, expect, it } from 'vitest';
import { fieldName, validateEntry } from '../../../src/config/schema.js';

const entry = (patchbay: unknown) => ({ command: 'node', args: ['s.js'], patchbay });
const problems = (patchbay: unknown) => {
  const v = validateEntry(entry(patchbay));
  return v.ok ? [] : v.issues.map((i) => `${fieldName(i.path)}: ${i.message}`);
};

describe('pinning options in an entry', () => {
  it('accepts the modes and ignore rules', () => {
    expect(problems({ pinning: 'strict', pinIgnore: { patterns: ['host-\\w+'], paths: ['inputSchema.properties.*.default'] } })).toEqual([]);
    expect(problems({ pinning: 'off' })).toEqual([]);
  });
  it('says what is wrong and where', () => {
    expect(problems({ pinning: 'strickt' })).toEqual(['patchbay.pinning: must be "trust-new", "strict" or "off"']);
    expect(problems({ pinIgnore: { patterns: ['('] } })[0]).toMatch(/^patchbay\.pinIgnore\.patterns: pattern "\(" is not a valid regular expression/);
    expect(problems({ pinIgnore: { patterns: ['x*'] } })[0]).toMatch(/matches the empty string/);
    expect(problems({ pinIgnore: { pattern: ['x'] } })).toEqual(['patchbay.pinIgnore: unknown key(s) "pattern"; known: patterns, paths']);
    expect(problems({ pinIgnore: { paths: ['a..b'] } })).toEqual(['patchbay.pinIgnore.paths[0]: must be a dotted path such as "inputSchema.properties.*.default"']);
  });
});
