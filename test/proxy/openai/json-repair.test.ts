/**
 * Case 21 in detail: the repair of whole argument strings, and the streaming rule that what has
 * been forwarded is never contradicted by what follows.
 */
import { describe, expect, it } from 'vitest';
import { parseToolArguments, repairJsonObject } from '../../../src/proxy/openai/json-repair.js';
import { ToolArgumentsStream } from '../../../src/proxy/openai/json-repair.js';

function streamAll(pieces: string[]): { forwarded: string[]; final: string } {
  const stream = new ToolArgumentsStream();
  const forwarded = pieces.map((p) => stream.push(p));
  forwarded.push(stream.end());
  return { forwarded, final: forwarded.join('') };
}

describe('case 21: repair of whole arguments', () => {
  it.each([
    ["{'a': 'b'}", { a: 'b' }],
    ["{'quote': 'say \"hi\"', 'apostrophe': 'it\\'s'}", { quote: 'say "hi"', apostrophe: "it's" }],
    ['{"a": [1, 2,], "b": {"c": 3,},}', { a: [1, 2], b: { c: 3 } }],
    ['Here you go: {"a": 1}', { a: 1 }],
    ['{"a": 1}\n\n{"b": 2}', { a: 1 }],
    ['{"a": {"b": [1, {"c": "d', { a: { b: [1, { c: 'd' }] } }],
    ['{"a": ', { a: null }],
    ['{"a', { a: null }],
    ['{path: "/tmp", recursive: true}', { path: '/tmp', recursive: true }],
    ['{"code": "line1\nline2\tend"}', { code: 'line1\nline2\tend' }],
    ['{"n": -1.5e3, "ok": False}', { n: -1500, ok: false }],
  ])('%j', (raw, expected) => {
    expect(parseToolArguments(raw)).toEqual(expected);
  });

  it('gives up on what is not an object', () => {
    expect(repairJsonObject('just words')).toBeUndefined();
    expect(parseToolArguments('[1, 2]')).toEqual({ _raw_arguments: '[1, 2]' });
    expect(parseToolArguments('"str"')).toEqual({ _raw_arguments: '"str"' });
  });

  it('reads null and empty as no arguments', () => {
    expect(parseToolArguments('null')).toEqual({});
    expect(parseToolArguments('  ')).toEqual({});
    expect(parseToolArguments(undefined)).toEqual({});
  });
});

describe('case 21: streamed arguments', () => {
  const valid = '{"file_path": "/tmp/ü.txt", "content": "a\\"b\\\\c \\u00e9 😀", "n": [1, -2.5e1, true, null], "o": {}}';

  it('forwards a valid object exactly, however it is split', () => {
    for (let cut = 1; cut < valid.length; cut++) {
      const { final } = streamAll([valid.slice(0, cut), valid.slice(cut)]);
      expect(final).toBe(valid);
    }
    const { forwarded } = streamAll([...valid]);
    expect(forwarded.join('')).toBe(valid);
  });

  it('never contradicts what it forwarded: the whole is valid JSON for every split of broken input', () => {
    const broken = ["{'a': 'b', 'c': [1, 2,],}", '{"a": 1, "b": "unterminated', '{"a": {"b": 1}} trailing prose', '{"x": True, y: None}', '{"a": 1 garbage', '  {"lead": "space"}'];
    for (const raw of broken) {
      for (let cut = 0; cut <= raw.length; cut++) {
        const { final } = streamAll([raw.slice(0, cut), raw.slice(cut)]);
        const value: unknown = JSON.parse(final);
        expect(typeof value === 'object' && value !== null && !Array.isArray(value), `${raw} cut at ${cut}: ${final}`).toBe(true);
      }
    }
  });

  it('agrees with the whole-response repair when the repair keeps the forwarded prefix', () => {
    for (const raw of ["{'a': 'b'}", '{"a": [1,],}', '{"a": "b"} done', '{"a": {"b": "c']) {
      expect(JSON.parse(streamAll([raw]).final)).toEqual(parseToolArguments(raw));
    }
  });

  it('sends nothing for empty arguments, which the client reads as {}', () => {
    expect(streamAll(['']).final).toBe('');
  });
});
