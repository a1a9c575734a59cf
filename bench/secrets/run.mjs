#!/usr/bin/env node
/**
 * What secret scanning of traffic costs a tools/call, as a user runs it: Patchbay's gateway
 * (hub + gateway from dist/, `patchbay up`'s guards) with the secrets guard on (the default)
 * next to the same gateway with no guards, on one stdio server returning 10 KB and 1 MB text
 * results, without and with a planted key (then the guard redacts it). Both contenders run in
 * one run, alternating rounds, so machine load hits both alike. Then the rule engines alone:
 * secretlint's core (`lintSource`, the recommended preset) next to Patchbay's direct run of the
 * same preset behind its prefilter, per string.
 * Usage: node bench/secrets/run.mjs [--calls 200]   (build dist/ first)
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { lintSource } from '@secretlint/core';
import { creator } from '@secretlint/secretlint-rule-preset-recommend';
import { findSecrets } from '../../dist/secrets/rules/scanner.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const CALLS = Number(process.argv[process.argv.indexOf('--calls') + 1] || 200) || 200;
const children = [];

function start(mode) {
  const child = spawn(process.execPath, [here('./patchbay-server.mjs'), '0', mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      const m = /listening (\d+)/.exec(d.toString());
      if (m) resolve(`http://127.0.0.1:${m[1]}/mcp`);
    });
    child.once('exit', (code) => reject(new Error(`${mode} exited with ${code}`)));
  });
}

async function caller(url) {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const u = new URL(url);
  let session;
  const post = (message) => new Promise((resolve, reject) => {
    const body = JSON.stringify(message);
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body), 'mcp-protocol-version': '2025-11-25' };
    if (session) headers['mcp-session-id'] = session;
    const req = request({ agent, host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (res.headers['mcp-session-id']) session = res.headers['mcp-session-id'];
        const text = Buffer.concat(chunks).toString();
        resolve(text && res.statusCode !== 202 ? JSON.parse(text) : undefined);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
  await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  let id = 1;
  return { call: (bytes, secret) => post({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: 'blob__blob', arguments: { bytes, secret } } }) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function time(fn, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const [guardedUrl, bareUrl] = await Promise.all([start('guarded'), start('bare')]);
const guarded = await caller(guardedUrl);
const bare = await caller(bareUrl);

console.log(`tools/call through Patchbay's gateway, median of ${CALLS} calls per cell (ms)\n`);
console.log('| result | no guards | secrets guard (default) | added | ratio |');
console.log('|---|---|---|---|---|');
for (const [label, bytes, secret] of [['10 KB', 10_240, false], ['10 KB, one key (redacted)', 10_240, true], ['1 MB', 1_048_576, false], ['1 MB, one key (redacted)', 1_048_576, true]]) {
  const n = bytes > 100_000 ? Math.max(20, Math.floor(CALLS / 5)) : CALLS;
  // Warm both, then alternate rounds of 10 so load drifts hit both contenders alike.
  await time(() => guarded.call(bytes, secret), Math.min(50, n));
  await time(() => bare.call(bytes, secret), Math.min(50, n));
  const g = [];
  const b = [];
  for (let done = 0; done < n; done += 10) {
    b.push(...(await time(() => bare.call(bytes, secret), 10)));
    g.push(...(await time(() => guarded.call(bytes, secret), 10)));
  }
  const check = await guarded.call(bytes, secret);
  if (secret && !check.result.content[0].text.includes('[REDACTED:github]')) throw new Error('the guard did not redact');
  const mb = median(b);
  const mg = median(g);
  console.log(`| ${label} | ${mb.toFixed(2)} | ${mg.toFixed(2)} | ${(mg - mb).toFixed(2)} | ${(mg / mb).toFixed(2)} |`);
}

console.log('\nThe rules alone on one string, median (ms)\n');
console.log("| string | secretlint core (lintSource) | Patchbay (same preset, direct, prefiltered) | ratio |");
console.log('|---|---|---|---|');
const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
const WORDS = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit; see https://example.org/docs?page=2&sort=asc for more. ';
for (const [label, bytes] of [['10 KB', 10_240], ['1 MB', 1_048_576]]) {
  const text = WORDS.repeat(Math.ceil(bytes / WORDS.length)).slice(0, bytes);
  const n = bytes > 100_000 ? 30 : 500;
  await time(() => lintSource({ source: { content: text, filePath: '/x.txt', ext: '.txt', contentType: 'text' }, options: { config } }), 20);
  const core = await time(() => lintSource({ source: { content: text, filePath: '/x.txt', ext: '.txt', contentType: 'text' }, options: { config } }), n);
  await time(() => findSecrets(text), 20);
  const direct = await time(() => findSecrets(text), n);
  console.log(`| ${label} | ${median(core).toFixed(3)} | ${median(direct).toFixed(3)} | ${(median(core) / median(direct)).toFixed(1)}× |`);
}

for (const child of children) child.kill('SIGTERM');
