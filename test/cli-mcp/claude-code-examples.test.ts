/**
 * Claude Code's documented `claude mcp add` examples, replayed with `patchbay mcp add`: the
 * servers written (and .mcp.json byte for byte) are what Claude Code 2.1.197 writes, as recorded
 * from the real binary (fixtures/claude-code/record.mjs) and, where bench/ has it installed,
 * compared live. Nothing printed ever holds a header value or secret from the command line.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PATCHBAY_BIN } from '../helpers/cli.js';
// @ts-expect-error plain .mjs helpers shared with the recorder script
import { CLAUDE_CODE_FAILS, EXAMPLES, PATCHBAY_DIFFERS } from './fixtures/claude-code/examples.mjs';
// @ts-expect-error plain .mjs helpers shared with the recorder script
import { CLAUDE_BIN, runInFreshHome } from './fixtures/claude-code/record.mjs';
import recorded from './fixtures/claude-code/recorded.json' with { type: 'json' };
import './sandbox.js'; // the generous CLI timeout

interface Example {
  id: string;
  argv: string[];
  env?: Record<string, string>;
}
interface Written {
  code: number | null;
  stdout: string;
  stderr: string;
  user?: unknown;
  local?: unknown;
  projectFile?: string;
}

const examples = EXAMPLES as Example[];
const record = recorded.examples as Record<string, Partial<Written>>;
const SECRETS = ['your-token', 'your-key', 'your-client-secret', 'YOUR_KEY', 'KEY123', 'readonly:pass'];

function runPatchbay(example: Example): Written {
  return runInFreshHome(process.execPath, example.argv, example.env, [PATCHBAY_BIN], process.env.HOME) as Written;
}

/** What the docs mean by the example Claude Code itself refuses (its variadic --env swallows the name). */
const INTENDED: Record<string, Partial<Written>> = {
  'stdio-transport-env': { code: 0, local: { airtable: { type: 'stdio', command: 'npx', args: ['-y', 'airtable-mcp-server'], env: { AIRTABLE_API_KEY: 'YOUR_KEY' } } } },
};

function expectSameFiles(patchbay: Written, claude: Partial<Written>): void {
  expect(patchbay.user).toEqual(claude.user);
  expect(patchbay.local).toEqual(claude.local);
  // A new .mcp.json is byte for byte what Claude Code writes.
  expect(patchbay.projectFile).toBe(claude.projectFile);
}

describe(`claude mcp add examples, against Claude Code ${recorded.version}`, () => {
  for (const example of examples.filter((e) => !PATCHBAY_DIFFERS.has(e.id))) {
    it(`${example.id}: ${example.argv.slice(1).join(' ')}`, () => {
      const patchbay = runPatchbay(example);
      expect(patchbay.stderr).toBe('');
      expect(patchbay.code).toBe(0);
      const claude = CLAUDE_CODE_FAILS.has(example.id) ? INTENDED[example.id]! : record[example.id]!;
      if (!CLAUDE_CODE_FAILS.has(example.id)) expect(claude.code).toBe(0);
      expectSameFiles(patchbay, claude);
      for (const secret of SECRETS) expect(patchbay.stdout).not.toContain(secret);
    });
  }

  it('stdio-trailing-scope: `node s.js -s user` gives -s to the server, and warns that Claude Code would not', () => {
    const example = examples.find((e) => e.id === 'stdio-trailing-scope')!;
    expect(record[example.id]!.user).toEqual({ srv: { type: 'stdio', command: 'node', args: ['s.js'], env: {} } });
    const patchbay = runPatchbay(example);
    expect(patchbay.code).toBe(0);
    expect(patchbay.user).toBeUndefined();
    expect(patchbay.local).toEqual({ srv: { type: 'stdio', command: 'node', args: ['s.js', '-s', 'user'], env: {} } });
    expect(patchbay.stderr).toContain('Note: -s after the command was passed to "srv" as its own argument');
    expect(patchbay.stderr).toContain('put -- before the command');
    // With `--`, the same words are deliberate: no note.
    const quiet = runPatchbay({ id: 'x', argv: ['mcp', 'add', 'srv', '--', 'node', 's.js', '-s', 'user'] });
    expect(quiet.stderr).toBe('');
    expect(quiet.local).toEqual(patchbay.local);
  });
});

describe('errors never print a header value or a secret from the command line', () => {
  const cases: { why: string; argv: string[]; message: string }[] = [
    { why: 'an unquoted header splits into words after the URL', argv: ['-t', 'http', 'srv', 'https://e.com/mcp', '-H', 'Authorization:', 'Bearer', 'sk-live-1234'], message: 'Header-Name: value' },
    { why: 'words after the URL', argv: ['--transport', 'http', 'srv', 'https://e.com/mcp', 'Bearer', 'sk-live-1234'], message: '2 other words were given (not shown' },
    { why: 'a header without a colon', argv: ['--transport', 'sse', 'srv', 'https://e.com/sse', '--header', 'Authorization Bearer sk-live-1234'], message: 'invalid header (-H #1, not shown)' },
    { why: 'a header that is only a token', argv: ['-t', 'http', '-H', 'sk-live-1234', 'srv', 'https://e.com/mcp'], message: 'invalid header (-H #1, not shown)' },
    { why: '-e without a name', argv: ['-e', 'sk-live-1234', 'srv', 'node', 's.js'], message: '-e value #1 (not shown)' },
    { why: 'an unknown option with a value', argv: ['srv', '--token=sk-live-1234', 'node'], message: 'unknown option --token before the command' },
  ];
  for (const { why, argv, message } of cases) {
    it(why, () => {
      const r = runPatchbay({ id: why, argv: ['mcp', 'add', ...argv] });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr + r.stdout).not.toContain('sk-live-1234');
      expect(r.local).toBeUndefined();
      expect(r.user).toBeUndefined();
    });
  }
});

describe.skipIf(!existsSync(CLAUDE_BIN))('the same examples, live against the installed Claude Code', () => {
  for (const example of examples.filter((e) => !CLAUDE_CODE_FAILS.has(e.id) && !PATCHBAY_DIFFERS.has(e.id))) {
    it(example.id, () => {
      const claude = runInFreshHome(CLAUDE_BIN, example.argv, example.env, [], process.env.HOME) as Written;
      expect(claude.code).toBe(0);
      expectSameFiles(runPatchbay(example), claude);
    });
  }
});
