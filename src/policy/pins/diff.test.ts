import { describe, expect, it } from 'vitest';
import { canonicalJson } from './definition.js';
import { diffLines, prettyDefinition } from './diff.js';

describe('pins diff', () => {
  it('shows the changed line with context, and spells out invisible characters', () => {
    const before = prettyDefinition(canonicalJson({ name: 'add', description: 'Adds', inputSchema: { type: 'object' } }));
    const after = prettyDefinition(canonicalJson({ name: 'add', description: 'Adds\u200b\u{E0041}', inputSchema: { type: 'object' } }));
    expect(diffLines(before, after)).toEqual([
      '@@',
      '  {',
      '-   "description": "Adds",',
      '+   "description": "Adds\\u{200B}\\u{E0041}",',
      '    "inputSchema": {',
      '      "type": "object"',
      '    },',
      '@@',
    ]);
    expect(diffLines(before, before)).toEqual([]);
  });
});
