// Speed of Patchbay's count_tokens estimate against a real BPE tokenizer as the anchor
// (gpt-tokenizer, o200k_base), on a 200 KB Claude Code-style request and on the inputs that make
// naive tokenizers slow: a 100 KB run of one character, 100 KB without spaces, 100 KB of
// spaces, a deeply nested tool schema. Prints a markdown table of median times and counts.
//
// Usage: npx tsc -p tsconfig.build.json && node bench/tokens/run.mjs [--quick]
// Not a test: numbers vary by machine and load (the load average is printed with the table).
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { estimateRequestTokens, estimateTextTokens } from '../../dist/proxy/tokens/estimate.js';

const QUICK = process.argv.includes('--quick');
const corpus = new URL('../../test/proxy/tokens/corpus/', import.meta.url);
const read = (dir) => readdirSync(new URL(dir, corpus)).sort().map((f) => readFileSync(new URL(`${dir}${f}`, corpus), 'utf8'));

/** Claude Code's real turn-2 request, grown with prose, code and JSON turns to about `bytes`. */
function bigRequest(bytes) {
  const base = JSON.parse(readFileSync(new URL('json/claude-code-request-turn2.json', corpus), 'utf8'));
  const prose = read('prose/');
  const code = read('code/');
  const messages = [...base.messages];
  for (let i = 0; JSON.stringify({ ...base, messages }).length < bytes; i++) {
    const id = `toolu_${i}`;
    messages.push({ role: 'user', content: prose[i % prose.length] });
    messages.push({ role: 'assistant', content: [{ type: 'text', text: 'Reading the file.' }, { type: 'tool_use', id, name: 'Read', input: { file_path: `/src/file${i}.ts`, limit: 2000 } }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: code[i % code.length] }] });
  }
  return { ...base, messages };
}

function nestedSchemaRequest(depth) {
  let schema = { type: 'string' };
  for (let i = 0; i < depth; i++) schema = { type: 'object', properties: { child: schema }, required: ['child'] };
  return { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'deep', description: 'nested', input_schema: schema }] };
}

/**
 * Median wall time of `fn` in ms, with its (last) result, and the median CPU time of this
 * process, which a busy machine inflates less than wall time.
 */
function measure(fn, runs) {
  for (let i = 0; i < 3; i++) fn(); // warm up: let the JIT compile the hot loops
  const times = [];
  const cpu = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    result = fn();
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return { ms: median(times), cpuMs: median(cpu), result };
}

const KB = 1024;
const cases = [
  ['200 KB Claude Code request', 'request', bigRequest(200 * KB)],
  ['100 KB of one character', 'text', 'a'.repeat(100 * KB)],
  ['100 KB without spaces (base64)', 'text', Buffer.alloc(75 * KB, 0xa7).map((b, i) => (b * i) & 255).toString('base64').slice(0, 100 * KB)],
  ['100 KB of spaces', 'text', ' '.repeat(100 * KB)],
  ['tool schema nested 1,000 deep', 'request', nestedSchemaRequest(1000)],
  ['English prose (guide, 40 KB)', 'text', read('prose/').slice(1, 5).join('\n')],
  ['TypeScript/JS code (90 KB)', 'text', read('code/').join('\n')],
];

const runs = QUICK ? 5 : 21;
const rows = [];
for (const [name, kind, input] of cases) {
  const text = kind === 'request' ? JSON.stringify(input) : input;
  const ours = measure(() => (kind === 'request' ? estimateRequestTokens(input) : estimateTextTokens(input)), runs);
  // The anchor counts the request's JSON text: what a proxy that runs a BPE tokenizer over the body does.
  const anchor = measure(() => encode(text).length, QUICK ? 3 : 7);
  rows.push([name, `${Math.round(text.length / KB)} KB`, `${ours.ms.toFixed(2)} (${ours.cpuMs.toFixed(2)})`, String(ours.result), `${anchor.ms.toFixed(1)} (${anchor.cpuMs.toFixed(1)})`, String(anchor.result), `${(((ours.result - anchor.result) / anchor.result) * 100).toFixed(1)}%`]);
}

const header = ['Input', 'Size', 'Patchbay ms (CPU ms)', 'Patchbay tokens', 'gpt-tokenizer o200k ms (CPU ms)', 'o200k tokens', 'Difference'];
console.log(`Node ${process.version}, load average ${loadavg().map((n) => n.toFixed(1)).join(' ')}; medians of ${runs} runs (gpt-tokenizer ${QUICK ? 3 : 7}) after warm-up\n`);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log('\nFor requests the o200k count is of the whole JSON body (keys and punctuation included), so it runs higher than a count of the parts a provider bills; the accuracy tests compare like with like.');
