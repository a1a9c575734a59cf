import { describe, expect, it } from 'vitest';
import { detectStyle, NotAnObjectError, removeFromText, setInText } from './json-edit-text.js';

const entry = { type: 'stdio', command: 'node', args: ['server.js', '--flag'], env: { FOO: 'bar' } };
/** Bytes JSON.parse + JSON.stringify would lose: a big integer, 1.0, escapes. */
const fragile = '"big": 12345678901234567890,\n  "float": 1.0,\n  "escaped": "\\u00e9\\/"';

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

describe('setInText', () => {
  it('adds an entry and keeps every byte outside it', () => {
    const text = `{\n  ${fragile},\n  "mcpServers": {\n    "keep": {"command": "x"}\n  }\n}`;
    const out = setInText(text, ['mcpServers', 'srv'], entry);
    expect(out).toContain(fragile);
    expect(out).toContain('"keep": {"command": "x"}');
    expect(JSON.parse(out).mcpServers.srv).toEqual(entry);
    // The new entry is laid out as JSON.stringify(…, null, 2) at its depth.
    expect(out).toContain(`,\n    "srv": ${pretty(entry).split('\n').join('\n    ')}\n  }`);
  });

  it('writes what JSON.stringify(data, null, 2) writes when the file was written that way', () => {
    const data = { numStartups: 1, projects: { '/a': { allowedTools: [], mcpServers: {} } }, mcpServers: { a: entry } };
    const out = setInText(setInText(pretty(data), ['mcpServers', 'b'], entry), ['projects', '/p', 'mcpServers', 'c'], entry);
    expect(out).toBe(pretty({ ...data, projects: { ...data.projects, '/p': { mcpServers: { c: entry } } }, mcpServers: { a: entry, b: entry } }));
  });

  it('creates missing objects, fills an empty object and an empty file', () => {
    expect(setInText('', ['mcpServers', 'a'], 1)).toBe(pretty({ mcpServers: { a: 1 } }));
    expect(setInText('{}', ['mcpServers', 'a'], 1)).toBe(pretty({ mcpServers: { a: 1 } }));
    expect(setInText('{\n  "mcpServers": {}\n}', ['mcpServers', 'a'], 1)).toBe(pretty({ mcpServers: { a: 1 } }));
    expect(setInText('{\n  "mcpServers": {\n  }\n}', ['mcpServers', 'a'], 1)).toBe(pretty({ mcpServers: { a: 1 } }));
  });

  it('replaces an existing value in place, and only that value', () => {
    const text = `{\n  ${fragile},\n  "mcpServers": {\n    "a": {"old": true},\n    "b": 2\n  }\n}`;
    const out = setInText(text, ['mcpServers', 'a'], { new: 1 });
    expect(out).toBe(`{\n  ${fragile},\n  "mcpServers": {\n    "a": {\n      "new": 1\n    },\n    "b": 2\n  }\n}`);
  });

  it("follows the file's indent unit, tabs and CRLF line endings", () => {
    const tabs = '{\r\n\t"x": 1\r\n}';
    expect(setInText(tabs, ['mcpServers', 'a'], { k: 1 })).toBe('{\r\n\t"x": 1,\r\n\t"mcpServers": {\r\n\t\t"a": {\r\n\t\t\t"k": 1\r\n\t\t}\r\n\t}\r\n}');
    const four = '{\n    "x": 1\n}';
    expect(setInText(four, ['y'], [1])).toBe('{\n    "x": 1,\n    "y": [\n        1\n    ]\n}');
    expect(detectStyle('{"a":1}')).toEqual({ indent: '', eol: '\n' });
  });

  it('keeps a minified file on one line, with its own separators', () => {
    expect(setInText('{"a":1,"mcpServers":{"x":{}}}', ['mcpServers', 'y'], { k: [1] })).toBe('{"a":1,"mcpServers":{"x":{},"y":{"k":[1]}}}');
    expect(setInText('{"a": 1}', ['b'], 2)).toBe('{"a": 1,"b": 2}');
  });

  it('treats keys with escapes, quotes in strings and duplicate keys as JSON.parse does', () => {
    const text = '{"s": "a \\"}{[ b\\\\", "k\\u0065y": {"x": 1}, "dup": {"v": 1}, "dup": {"v": 2}}';
    expect(JSON.parse(setInText(text, ['key', 'y'], 2)).key).toEqual({ x: 1, y: 2 });
    const dup = setInText(text, ['dup', 'w'], 3);
    expect(JSON.parse(dup).dup).toEqual({ v: 2, w: 3 });
    expect(dup).toContain('"dup": {"v": 1}');
  });

  it('refuses to go through something that is not an object', () => {
    expect(() => setInText('{"projects": []}', ['projects', '/p', 'mcpServers'], {})).toThrow(NotAnObjectError);
  });
});

describe('removeFromText', () => {
  const text = `{\n  ${fragile},\n  "mcpServers": {\n    "a": 1,\n    "b": {"x": [1, 2]},\n    "c": 3\n  }\n}`;

  it('removes the first, a middle and the last member with their commas', () => {
    expect(removeFromText(text, ['mcpServers', 'a'])).toBe(`{\n  ${fragile},\n  "mcpServers": {\n    "b": {"x": [1, 2]},\n    "c": 3\n  }\n}`);
    expect(removeFromText(text, ['mcpServers', 'b'])).toBe(`{\n  ${fragile},\n  "mcpServers": {\n    "a": 1,\n    "c": 3\n  }\n}`);
    expect(removeFromText(text, ['mcpServers', 'c'])).toBe(`{\n  ${fragile},\n  "mcpServers": {\n    "a": 1,\n    "b": {"x": [1, 2]}\n  }\n}`);
  });

  it('leaves an emptied object as {} and an absent path untouched', () => {
    let out = text;
    for (const k of ['a', 'b', 'c']) out = removeFromText(out, ['mcpServers', k]);
    expect(out).toBe(`{\n  ${fragile},\n  "mcpServers": {}\n}`);
    expect(removeFromText(text, ['mcpServers', 'zzz'])).toBe(text);
    expect(removeFromText(text, ['nothing', 'here'])).toBe(text);
  });

  it('removes every duplicate of a key', () => {
    expect(removeFromText('{"a": 1, "b": 2, "a": 3}', ['a'])).toBe('{"b": 2}');
    expect(removeFromText('{"b": 0, "a": 1, "a": 3}', ['a'])).toBe('{"b": 0}');
    expect(removeFromText('{"a": 1, "a": 3, "b": 0}', ['a'])).toBe('{"b": 0}');
    expect(removeFromText('{"a": 1, "a": 3}', ['a'])).toBe('{}');
  });
});
