#!/usr/bin/env node
/**
 * Micro benchmark of the proxy's request parse before and after the edge check
 * (src/proxy/validate/): the old parse (JSON + three field checks, copied below as it was) and
 * the shipped `parseMessagesRequest` (JSON + the Anthropic-style check), on the same bodies, in
 * alternating rounds of one process so machine load hits both alike. Prints the median ns per
 * request of each, the difference in µs, and what the check alone costs on an already parsed body.
 * Usage: npx tsc -p tsconfig.build.json && node bench/proxy/validate.mjs [--rounds 15]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseJsonBody } from '../../dist/proxy/server/json-body.js';
import { parseMessagesRequest } from '../../dist/proxy/server/messages.js';
import { checkMessagesRequest } from '../../dist/proxy/validate/request.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 15) || 15;

/** parseMessagesRequest as it was before the edge check (commit 37cd124). */
function oldParse(raw, needMaxTokens) {
  let value;
  try {
    value = parseJsonBody(raw);
  } catch (error) {
    return `request body is not valid JSON (${error.message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'request body must be a JSON object';
  if (typeof value.model !== 'string' || value.model === '') return 'model: field required (a model name, or "provider,model")';
  if (!Array.isArray(value.messages)) return 'messages: field required (an array of messages)';
  if (needMaxTokens && typeof value.max_tokens !== 'number') return 'max_tokens: field required (a number)';
  return value;
}
const options = { needMaxTokens: true, interleavedThinking: true };
const newParse = (raw) => parseMessagesRequest(raw, options);

// ---- bodies: bench/proxy/run.mjs's tiny and 200 KB requests, Claude Code's real turn, images ----
const PARAGRAPH = 'The proxy reads the request once, routes it, and streams the answer back as it arrives. ' +
  'function route(request) { return request.model.includes("haiku") ? small : big; } // ' +
  'Claude Code sends long conversations: source files, tool results, diffs and logs. ';
function conversation(bytes) {
  const messages = [];
  for (let size = 0, i = 0; size < bytes; i++) {
    const text = `[${i}] ${PARAGRAPH.repeat(20)}`;
    messages.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: text });
    size += text.length;
  }
  if (messages.at(-1).role !== 'user') messages.push({ role: 'user', content: 'Summarise.' });
  return messages;
}
function pngOf(bytes) {
  const data = Buffer.alloc(bytes, 7);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(data);
  return data.toString('base64');
}
const imageTurn = (bytes) => [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngOf(bytes) } }, { type: 'text', text: 'What is this?' }] }];
/** A long Claude Code session: 40 tools, 60 tool_use / tool_result round trips. */
function agentSession() {
  const turn2 = JSON.parse(readFileSync(new URL('../../test/fixtures/upstreams/claude-code/claude-code-request-turn2.json', import.meta.url), 'utf8'));
  const tool = turn2.tools[0];
  const tools = Array.from({ length: 40 }, (_, i) => ({ ...tool, name: `mcp__server_${i % 8}__tool_${i}` }));
  const messages = [{ role: 'user', content: [{ type: 'text', text: 'Fix the failing test.' }] }];
  for (let i = 0; i < 60; i++) {
    messages.push({ role: 'assistant', content: [{ type: 'text', text: `Step ${i}: reading.` }, { type: 'tool_use', id: `toolu_${i}`, name: tools[i % 40].name, input: { path: `src/file${i}.ts` } }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: PARAGRAPH.repeat(3) }] });
  }
  return Buffer.from(JSON.stringify({ ...turn2, tools, messages }));
}
const body = (messages) => Buffer.from(JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 256, stream: false, messages }));
const BODIES = [
  ['tiny', body([{ role: 'user', content: 'Say hello.' }])],
  ['Claude Code turn 2 (tools, tool_use, tool_result)', Buffer.from(readFileSync(new URL('../../test/fixtures/upstreams/claude-code/claude-code-request-turn2.json', import.meta.url)))],
  ['Claude Code session (40 tools, 60 tool round trips)', agentSession()],
  ['200 KB conversation', body(conversation(200 * 1024))],
  ['1 MB PNG', body(imageTurn(1024 * 1024))],
];

function timeOne(fn, raw, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (typeof fn(raw) === 'string') throw new Error(`refused: ${fn(raw)}`);
  return Number(process.hrtime.bigint() - t0) / n;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ns) => (ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);

const load = loadavg().map((l) => l.toFixed(2)).join(' ');
const lines = [`Edge check micro benchmark — ${new Date().toISOString()}, node ${process.version}, ${rounds} alternating rounds, load average ${load}`, '',
  '| body | bytes | old parse (median) | new parse + check (median) | added | check alone (median) |', '|---|---:|---:|---:|---:|---:|'];
for (const [name, raw] of BODIES) {
  const n = Math.max(20, Math.round(20_000_000 / (raw.length + 2000)));
  const parsed = JSON.parse(raw.toString('utf8'));
  const check = () => checkMessagesRequest(parsed, options);
  for (let i = 0; i < 3; i++) { timeOne(oldParse, raw, n); timeOne(newParse, raw, n); timeOne(check, raw, n); } // warm the JIT
  const old = [];
  const now = [];
  const alone = [];
  for (let r = 0; r < rounds; r++) {
    old.push(timeOne(oldParse, raw, n));
    now.push(timeOne(newParse, raw, n));
    alone.push(timeOne(check, raw, n));
  }
  const added = median(now.map((t, i) => t - old[i]));
  lines.push(`| ${name} | ${raw.length} | ${fmt(median(old))} | ${fmt(median(now))} | ${(added / 1000).toFixed(2)} µs | ${fmt(median(alone))} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
