import { describe, expect, it } from 'vitest';
import { formatLocated, parseJsonText } from '../../src/config/json-text.js';

function errorOf(text: string) {
  const result = parseJsonText(text);
  if (result.ok) throw new Error('expected a syntax error');
  return result.error;
}

describe('strict JSON with positions', () => {
  it('a missing comma names line, column and the source line', () => {
    const text = '{\n  "mcpServers": {\n    "a": {"command": "x"}\n    "b": {"command": "y"}\n  }\n}\n';
    const error = errorOf(text);
    expect(error).toMatchObject({ line: 4, column: 5, sourceLine: '    "b": {"command": "y"}', message: "expected ',' or '}'" });
    expect(formatLocated('/home/u/.mcp.json', error.message, error)).toBe(
      "/home/u/.mcp.json:4:5: expected ',' or '}'\n      \"b\": {\"command\": \"y\"}\n      ^",
    );
  });

  it('inside an array the expected closer is ]', () => {
    expect(errorOf('{"args": ["a" "b"]}').message).toBe("expected ',' or ']'");
  });

  it('trailing commas and comments are errors, as they are for hosts', () => {
    expect(errorOf('{\n  "a": 1,\n}').message).toContain('trailing comma');
    expect(errorOf('{\n  "a": [1,]\n}').message).toContain('trailing comma');
    const comment = errorOf('{\n  // note\n  "a": 1\n}');
    expect(comment.message).toContain('comments are not allowed');
    expect(comment.line).toBe(2);
  });

  it('an unclosed object and an unterminated string are described', () => {
    expect(errorOf('{"a": {"b": 1}').message).toMatch(/expected '}'|expected ',' or '}'/);
    expect(errorOf('{"a": "oops}').message).toBe('string is not closed');
  });

  it('valid JSON parses to the same value as JSON.parse; an empty file is an empty object', () => {
    const text = '{"a": [1, {"b": null}], "c": "\\u00e9"}';
    const result = parseJsonText(text);
    expect(result.ok && result.value).toEqual(JSON.parse(text));
    const empty = parseJsonText('  \n');
    expect(empty.ok && empty.value).toEqual({});
  });
});
