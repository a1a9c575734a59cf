/**
 * The README's examples, run as a user would type them, so they cannot silently rot.
 *
 * Opting in: put `<!-- readme-test -->` on the line before a ```sh fence, in any section. Each
 * marked block runs in a fresh temporary HOME with a git repository as the working directory
 * (and a Claude Desktop config holding `fs` and `github`, for the import examples). Every line
 * that runs `patchbay` (optionally after `VAR=value` assignments) runs in order, through `sh -c`
 * with a `patchbay` on PATH that is this checkout's bin/patchbay.js; other lines are skipped.
 * Each must exit 0, and what it says it wrote must be in the file it names: "Added … MCP server
 * NAME" or "Imported … : a, b" puts the names in the scope's servers, "Removed MCP server NAME
 * from SCOPE config" takes it out.
 *
 * Examples name real remote servers and npx packages, which a test must never reach. So before a
 * line that checks servers (`list`, `get`, `doctor`), every configured server is disabled in
 * Patchbay's own config.json (`servers.<name>.disabled`), which Patchbay honours without
 * touching a host file; the line then runs for real and must still exit 0.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PATCHBAY_BIN } from './helpers/cli.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const MARKER = '<!-- readme-test -->';

interface Block {
  heading: string;
  line: number;
  commands: { line: number; text: string }[];
}

/** Marked ```sh blocks and their `patchbay` lines, with README line numbers for the test names. */
export function markedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith('#')) heading = lines[i]!.replace(/^#+\s*/, '');
    if (lines[i]!.trim() !== MARKER || !/^```(sh|bash|shell)\s*$/.test(lines[i + 1] ?? '')) continue;
    const block: Block = { heading, line: i + 1, commands: [] };
    for (let j = i + 2; j < lines.length && !lines[j]!.startsWith('```'); j++) {
      const text = lines[j]!.trim();
      if (/^([A-Z_][A-Z0-9_]*=\S*\s+)*patchbay\s/.test(text)) block.commands.push({ line: j + 1, text });
    }
    blocks.push(block);
  }
  return blocks;
}

interface Home {
  home: string;
  project: string;
  env: NodeJS.ProcessEnv;
}

function freshHome(): Home {
  const home = mkdtempSync(join(process.env.HOME!, 'readme-'));
  const project = join(home, 'work', 'project');
  mkdirSync(project, { recursive: true });
  spawnSync('git', ['init', '-q'], { cwd: project });
  const bin = join(home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'patchbay'), `#!/bin/sh\nexec "${process.execPath}" "${PATCHBAY_BIN}" "$@"\n`);
  chmodSync(join(bin, 'patchbay'), 0o755);
  const desktop = join(home, '.config', 'Claude', 'claude_desktop_config.json');
  mkdirSync(join(desktop, '..'), { recursive: true });
  writeFileSync(desktop, JSON.stringify({ mcpServers: { fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] }, github: { command: 'npx', args: ['-y', 'github-mcp'] } } }, null, 2));
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    NO_COLOR: '1',
  };
  return { home, project, env };
}

function readJson(file: string): Record<string, any> {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) : {};
}

/** The servers of one scope, read straight from the file the CLI named. */
function scopeServers(file: string, scope: string, h: Home): Record<string, unknown> {
  const data = readJson(file);
  const servers = scope === 'local' ? data.projects?.[h.project]?.mcpServers : data.mcpServers;
  return servers ?? {};
}

/** Every server name in every scope file, for switching probing off (see the module comment). */
function disableEveryServer(h: Home): void {
  const claude = readJson(join(h.home, '.claude.json'));
  const names = new Set([
    ...Object.keys(claude.mcpServers ?? {}),
    ...Object.keys(claude.projects?.[h.project]?.mcpServers ?? {}),
    ...Object.keys(readJson(join(h.project, '.mcp.json')).mcpServers ?? {}),
    ...Object.keys(readJson(join(h.home, '.config', 'patchbay', 'mcp.json')).mcpServers ?? {}),
  ]);
  const configFile = join(h.home, '.config', 'patchbay', 'config.json');
  const config = readJson(configFile);
  config.servers = Object.fromEntries([...names].map((n) => [n, { disabled: true }]));
  mkdirSync(join(configFile, '..'), { recursive: true });
  writeFileSync(configFile, JSON.stringify(config, null, 2));
}

function checkWhatItSays(stdout: string, h: Home): number {
  let checks = 0;
  const file = /^File modified: (.+?)(?: \[project: .*\])?$/m.exec(stdout)?.[1];
  const added = /^Added (?:stdio|HTTP|SSE|http|sse) MCP server (\S+) .*to (\w+) config$/m.exec(stdout);
  if (added) {
    expect(file, 'the command names the file it wrote').toBeDefined();
    expect(Object.keys(scopeServers(file!, added[2]!, h))).toContain(added[1]);
    checks++;
  }
  const imported = /^Imported \d+ MCP servers? from Claude Desktop to (\w+) config: (.+)$/m.exec(stdout);
  if (imported) {
    const servers = Object.keys(scopeServers(file!, imported[1]!, h));
    for (const name of imported[2]!.split(', ')) expect(servers).toContain(name);
    checks++;
  }
  const removed = /^Removed MCP server (\S+) from (\w+) config$/m.exec(stdout);
  if (removed) {
    expect(Object.keys(scopeServers(file!, removed[2]!, h))).not.toContain(removed[1]);
    checks++;
  }
  return checks;
}

const blocks = markedBlocks(readFileSync(README, 'utf8'));

describe('README examples', () => {
  it('has marked blocks to run, the Registry section among them', () => {
    expect(blocks.some((b) => b.heading.startsWith('Registry') && b.commands.length >= 10)).toBe(true);
  });

  for (const block of blocks) {
    it(`"${block.heading}" (README.md:${block.line}): ${block.commands.length} commands`, { timeout: 300_000 }, () => {
      const h = freshHome();
      let checked = 0;
      for (const { line, text } of block.commands) {
        if (/\bpatchbay (mcp (list|get)|doctor)\b/.test(text)) disableEveryServer(h);
        const r = spawnSync('sh', ['-c', text], { cwd: h.project, env: h.env, encoding: 'utf8', timeout: 60_000 });
        expect(r.status, `README.md:${line}: ${text}\n${r.stdout}${r.stderr}`).toBe(0);
        expect(r.stderr, `README.md:${line}`).not.toMatch(/internal error|^\s+at /m);
        checked += checkWhatItSays(r.stdout, h);
      }
      // Every command that writes was checked against the file it named.
      const writers = block.commands.filter((c) => /\bpatchbay (mcp (add|add-json|add-from-claude-desktop|remove)\b|new server\b.*\s--add\b)/.test(c.text)).length;
      expect(checked).toBe(writers);
    });
  }
});
