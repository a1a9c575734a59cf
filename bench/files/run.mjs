#!/usr/bin/env node
/**
 * bench/files: Patchbay's files server next to its two anchors on the same tree, in one run:
 * `@modelcontextprotocol/server-filesystem` (a Patchbay devDependency) and
 * `@wonderwhy-er/desktop-commander` (a bench dependency: npm install --prefix bench). Each is
 * started over stdio and driven by the same SDK v2 client; after warm-up, the median wall time
 * of one tools/call for: reading a 1 MB text file whole, searching file contents across 10,000
 * files, and one exact edit. The filesystem server has no content search (n/a).
 * Desktop Commander gets a temporary HOME with telemetry off (its default is on).
 *
 *   node bench/files/run.mjs [--runs 15] [--files 10000]
 * Needs dist/ (npx tsc -p tsconfig.build.json). Prints a markdown table, ratios and `uptime`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const RUNS = opt('--runs', 15);
const FILES = opt('--files', 10_000);
const WARMUP = 3;

// The tree: 10,000 small source-like files in 100 directories, one needle in 20 of them, and a 1 MB file.
const base = realpathSync(mkdtempSync(join(tmpdir(), 'bench-files-')));
const tree = join(base, 'tree');
for (let d = 0; d < FILES / 100; d++) {
  mkdirSync(join(tree, `dir${d}`), { recursive: true });
  for (let f = 0; f < 100; f++) {
    const i = d * 100 + f;
    const needle = i % 500 === 0 ? '\n// NEEDLE_7f3a found here\n' : '\n';
    writeFileSync(join(tree, `dir${d}`, `file${f}.ts`), `export const value${i} = ${i};${needle}export function f${i}(x: number) {\n  return x + ${i};\n}\n`);
  }
}
const line = 'The quick brown fox jumps over the lazy dog; 0123456789 abcdefghij ABCDEFGHIJ.\n';
writeFileSync(join(tree, 'big.txt'), line.repeat(Math.ceil((1024 * 1024) / line.length)).slice(0, 1024 * 1024));
writeFileSync(join(tree, 'edit.txt'), 'alpha\nbeta\ngamma\n');

const dcHome = join(base, 'dc-home');
mkdirSync(join(dcHome, '.claude-server-commander'), { recursive: true });
writeFileSync(join(dcHome, '.claude-server-commander', 'config.json'), JSON.stringify({ telemetryEnabled: false, allowedDirectories: [tree] }));

const dcEntry = [join(repo, 'bench', 'node_modules', '@wonderwhy-er', 'desktop-commander', 'dist', 'index.js')].find((p) => existsSync(p));
let flip = false;
const contenders = [
  {
    name: 'Patchbay files',
    command: [join(repo, 'bin', 'patchbay.js'), 'server', 'files', '--root', tree],
    read: { name: 'read_file', arguments: { path: join(tree, 'big.txt'), limit: 100_000, lineNumbers: false } },
    search: { name: 'search_content', arguments: { path: tree, pattern: 'NEEDLE_7f3a', literal: true, limit: 100, context: 0 } },
    edit: () => ({ name: 'edit_file', arguments: { path: join(tree, 'edit.txt'), edits: flip ? [{ oldText: 'BETA', newText: 'beta' }] : [{ oldText: 'beta', newText: 'BETA' }] } }),
  },
  {
    name: 'Patchbay files, JS search (--no-ripgrep)',
    command: [join(repo, 'bin', 'patchbay.js'), 'server', 'files', '--root', tree, '--no-ripgrep'],
    read: { name: 'read_file', arguments: { path: join(tree, 'big.txt'), limit: 100_000, lineNumbers: false } },
    search: { name: 'search_content', arguments: { path: tree, pattern: 'NEEDLE_7f3a', literal: true, limit: 100, context: 0 } },
    edit: () => ({ name: 'edit_file', arguments: { path: join(tree, 'edit.txt'), edits: flip ? [{ oldText: 'BETA', newText: 'beta' }] : [{ oldText: 'beta', newText: 'BETA' }] } }),
  },
  {
    name: 'server-filesystem',
    command: [require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js'), tree],
    read: { name: 'read_text_file', arguments: { path: join(tree, 'big.txt') } },
    search: undefined,
    edit: () => ({ name: 'edit_file', arguments: { path: join(tree, 'edit.txt'), edits: flip ? [{ oldText: 'BETA', newText: 'beta' }] : [{ oldText: 'beta', newText: 'BETA' }] } }),
  },
  ...(dcEntry
    ? [
        {
          name: 'desktop-commander',
          command: [dcEntry],
          env: { HOME: dcHome, USERPROFILE: dcHome },
          read: { name: 'read_file', arguments: { path: join(tree, 'big.txt'), offset: 0, length: 100_000 } },
          // Its content search is a session: start it, then page the results until done.
          search: 'desktop-commander',
          edit: () => ({ name: 'edit_block', arguments: { file_path: join(tree, 'edit.txt'), old_string: flip ? 'BETA' : 'beta', new_string: flip ? 'beta' : 'BETA', expected_replacements: 1 } }),
        },
      ]
    : []),
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const textOf = (r) => (r.content ?? []).map((c) => c.text ?? '').join('');

async function dcSearch(client) {
  const started = await client.callTool({ name: 'start_search', arguments: { path: tree, pattern: 'NEEDLE_7f3a', searchType: 'content', literalSearch: true } });
  const id = /Started .*?search session:?\s*(\S+)/i.exec(textOf(started))?.[1] ?? /session[^\w]*([\w-]{6,})/i.exec(textOf(started))?.[1];
  let text = textOf(started);
  for (let i = 0; i < 2000 && id && !/complete|finished/i.test(text); i++) {
    const more = await client.callTool({ name: 'get_more_search_results', arguments: { sessionId: id, offset: 0 } });
    text = textOf(more);
    if (!/complete|finished/i.test(text)) await new Promise((r) => setTimeout(r, 5));
  }
  return text;
}

async function measure(c) {
  const client = new Client({ name: 'bench-files', version: '1' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: c.command, env: { ...process.env, ...(c.env ?? {}) }, stderr: 'ignore' }));
  const time = async (fn) => {
    const t = process.hrtime.bigint();
    const out = await fn();
    return [Number(process.hrtime.bigint() - t) / 1e6, out];
  };
  const out = { name: c.name };
  const series = async (label, fn, check) => {
    const xs = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const [ms, r] = await time(fn);
      if (i === 0 && check && !check(r)) throw new Error(`${c.name} ${label}: unexpected answer ${JSON.stringify(r).slice(0, 300)}`);
      if (i >= WARMUP) xs.push(ms);
    }
    out[label] = median(xs);
  };
  await series('read', () => client.callTool(c.read), (r) => textOf(r).length >= 1_000_000 && !r.isError);
  if (c.search === 'desktop-commander') await series('search', () => dcSearch(client), (t) => t.includes('NEEDLE_7f3a'));
  else if (c.search) await series('search', () => client.callTool(c.search), (r) => (textOf(r).match(/NEEDLE_7f3a/g) ?? []).length === FILES / 500);
  writeFileSync(join(tree, 'edit.txt'), 'alpha\nbeta\ngamma\n');
  flip = false;
  await series('edit', async () => {
    const r = await client.callTool(c.edit());
    flip = !flip;
    return r;
  }, (r) => !r.isError && readFileSync(join(tree, 'edit.txt'), 'utf8') === 'alpha\nBETA\ngamma\n');
  await client.close();
  return out;
}

const results = [];
for (const c of contenders) {
  try {
    results.push(await measure(c));
  } catch (error) {
    results.push({ name: c.name, error: error.message.split('\n')[0] });
  }
}
const pb = results[0];
const cell = (r, k) => (r.error ? 'error' : r[k] === undefined ? 'n/a' : `${r[k].toFixed(1)} ms${r !== pb && pb[k] ? ` (${(r[k] / pb[k]).toFixed(1)}×)` : ''}`);
console.log(`\nbench/files — ${FILES} files, ${RUNS} runs after ${WARMUP} warm-up, medians of one tools/call (ratio to Patchbay)\n`);
console.log('| contender | read 1 MB | content search | edit |');
console.log('| --- | --- | --- | --- |');
for (const r of results) console.log(`| ${r.name} | ${cell(r, 'read')} | ${cell(r, 'search')} | ${cell(r, 'edit')} |${r.error ? ` ${r.error}` : ''}`);
console.log(`\nPatchbay's first row searches with ${process.env.PATH?.split(':').some((d) => existsSync(join(d, 'rg'))) ? 'ripgrep' : 'the JS fallback (no rg on PATH)'}; edits are atomic and fsync'd.`);
console.log(`load: ${execFileSync('uptime').toString().trim()}`);
