import { describe, expect, it } from 'vitest';
import { expandEntry } from '../../src/config/registry.js';

describe('expandEntry', () => {
  const env = { HOME_DIR: '/home/u', TOKEN: 't0k', EMPTY: '' };

  it('expands ${VAR} and ${VAR:-default} in command, args and env of a stdio entry', () => {
    const entry = { type: 'stdio' as const, command: '${HOME_DIR}/bin/srv', args: ['--port', '${PORT:-8080}', '$TOKEN', 'x${TOKEN}y'], env: { T: '${TOKEN}', E: '${EMPTY:-fallback}' } };
    const { entry: out, missing } = expandEntry(entry, env);
    expect(out).toEqual({ type: 'stdio', command: '/home/u/bin/srv', args: ['--port', '8080', '$TOKEN', 'xt0ky'], env: { T: 't0k', E: 'fallback' } });
    expect(missing).toEqual([]);
    // The entry itself is untouched: files keep the unexpanded text.
    expect(entry.args[1]).toBe('${PORT:-8080}');
  });

  it('expands url and header values of a remote entry', () => {
    const { entry } = expandEntry({ type: 'http', url: 'https://${HOST:-api.example.com}/mcp', headers: { Authorization: 'Bearer ${TOKEN}' } }, env);
    expect(entry).toEqual({ type: 'http', url: 'https://api.example.com/mcp', headers: { Authorization: 'Bearer t0k' } });
  });

  it('a missing ${VAR} without default stays literal and is listed once; an empty one is empty', () => {
    const { entry, missing } = expandEntry({ command: 'srv', args: ['${NOPE}', '${NOPE}', '${EMPTY}'], env: { K: '${ALSO_NOPE}' } }, env);
    expect(entry).toMatchObject({ args: ['${NOPE}', '${NOPE}', ''], env: { K: '${ALSO_NOPE}' } });
    expect(missing.sort()).toEqual(['ALSO_NOPE', 'NOPE']);
  });
});
