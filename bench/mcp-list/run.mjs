#!/usr/bin/env node
/**
 * bench/mcp-list: how long `patchbay mcp list` takes over 20 stdio servers, against the slowest
 * server alone, and against the anchor `claude mcp list` (npm @anthropic-ai/claude-code, a bench
 * dependency) over the same servers. Patchbay checks every server at once, so the 20 should take
 * little more than the slowest one's start-up.
 *
 * The servers are test/fixtures/servers/good-stdio.mjs with --delay-start: 19 between 200 and
 * 2000 ms, one at 3000 ms (the slowest). Every run gets the same temporary HOME with those 20 in
 * ~/.claude.json (user scope), which both CLIs read. Needs dist/ (npx tsc -p tsconfig.build.json).
 * A third contender, floor.mjs, checks the same servers with raw JSON-RPC and no client logic:
 * its 20-vs-1 ratio is what starting 20 servers together costs this machine by itself.
 *
 *   node bench/mcp-list/run.mjs [--runs 5] [--no-claude]
 * Prints a markdown table of medians (wall time of the whole CLI process) and ratios.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const patchbayBin = join(repo, 'bin', 'patchbay.js');
const fixture = join(repo, 'test', 'fixtures', 'servers', 'good-stdio.mjs');
const claudeBin = [
  join(repo, 'bench', 'node_modules', '@anthropic-ai', 'claude-code-linux-x64', 'claude'),
  join(repo, 'bench', 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe'),
].find((p) => existsSync(p));

const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1] ?? 5) || 5;
const withClaude = !argv.includes('--no-claude') && claudeBin !== undefined;

const SLOWEST_MS = 3000;
const delays = Array.from({ length: 19 }, (_, i) => 200 + Math.round((i * 1800) / 18));
delays.push(SLOWEST_MS);

function makeHome(servers) {
  const root = mkdtempSync(join(tmpdir(), 'bench-mcp-list-'));
  const home = join(root, 'home');
  const project = join(root, 'project');
  mkdirSync(home);
  mkdirSync(project);
  const mcpServers = Object.fromEntries(
    servers.map((delay, i) => [`s${String(i + 1).padStart(2, '0')}`, { type: 'stdio', command: process.execPath, args: [fixture, '--delay-start', String(delay)], env: {} }]),
  );
  // hasCompletedOnboarding keeps Claude Code from its first-run screens.
  writeFileSync(join(home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, mcpServers }, null, 2));
  return { root, home, project };
}

function timeRun(command, args, ws) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: ws.project,
      env: {
        ...process.env,
        HOME: ws.home,
        XDG_CONFIG_HOME: join(ws.home, '.config'),
        NO_COLOR: '1',
        MCP_TIMEOUT: '20000',
        // Claude Code: no telemetry, error reports or update checks; only the local servers.
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        DISABLE_AUTOUPDATER: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const connected = (out.match(/✔ Connected/g) ?? []).length;
      resolve({ ms, code, connected, out });
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const all = makeHome(delays);
const one = makeHome([SLOWEST_MS]);
const floorScript = join(here, 'floor.mjs');
const contenders = [
  { label: `patchbay mcp list, 20 servers`, command: process.execPath, args: [patchbayBin, 'mcp', 'list'], ws: all, expect: 20 },
  { label: `patchbay mcp list, slowest server alone`, command: process.execPath, args: [patchbayBin, 'mcp', 'list'], ws: one, expect: 1 },
  // The floor: raw JSON-RPC to all 20 at once, no client logic (see floor.mjs).
  { label: `floor (raw JSON-RPC), 20 servers`, command: process.execPath, args: [floorScript], ws: all, expect: 20 },
  { label: `floor (raw JSON-RPC), slowest server alone`, command: process.execPath, args: [floorScript], ws: one, expect: 1 },
];
if (withClaude) {
  contenders.push(
    { label: `claude mcp list, 20 servers`, command: claudeBin, args: ['mcp', 'list'], ws: all, expect: 20 },
    { label: `claude mcp list, slowest server alone`, command: claudeBin, args: ['mcp', 'list'], ws: one, expect: 1 },
  );
}

const times = new Map(contenders.map((c) => [c.label, []]));
try {
  // Interleaved, so a noisy neighbour on the machine hurts every contender alike.
  for (let run = 0; run < runs + 1; run++) {
    for (const c of contenders) {
      const result = await timeRun(c.command, c.args, c.ws);
      if (result.connected !== c.expect) {
        console.error(`${c.label}: ${result.connected}/${c.expect} connected (exit ${result.code})\n${result.out}`);
        process.exitCode = 1;
      }
      if (run > 0) times.get(c.label).push(result.ms); // run 0 warms the disk cache
    }
  }
} finally {
  rmSync(all.root, { recursive: true, force: true });
  rmSync(one.root, { recursive: true, force: true });
}

const base = median(times.get(contenders[1].label));
console.log(`\nmcp list over 20 stdio servers (start-up delays 200–2000 ms, slowest ${SLOWEST_MS} ms); medians of ${runs} runs, Node ${process.version}, ${new Date().toISOString()}\n`);
console.log('| run | median ms | min ms | max ms | ÷ patchbay, slowest alone |');
console.log('|---|---:|---:|---:|---:|');
for (const c of contenders) {
  const t = times.get(c.label);
  console.log(`| ${c.label} | ${median(t).toFixed(0)} | ${Math.min(...t).toFixed(0)} | ${Math.max(...t).toFixed(0)} | ${(median(t) / base).toFixed(2)} |`);
}
if (!withClaude) console.log('\n(claude mcp list not run: install it with `cd bench && npm install`, or --no-claude was given)');
