/**
 * Micro-benchmarks of the Gemini translation hot paths: `npx vitest bench test/proxy/gemini/`.
 * A long streamed answer (2,000 text chunks, cut into 1 KiB network reads) and the request
 * translation of Claude Code's real tool turn.
 */
import { readFileSync } from 'node:fs';
import { bench, describe } from 'vitest';
import type { MessagesRequest } from '../../../src/proxy/anthropic-types.js';
import { geminiAdapter } from '../../../src/proxy/gemini/index.js';
import { chunk, context, sse } from './fixtures.js';

const chunks = Array.from({ length: 2000 }, (_, i) => chunk([{ text: `word${i} ünïcødé 🌸 ` }], {}, { promptTokenCount: 500, candidatesTokenCount: i }));
chunks.push(chunk([{ functionCall: { name: 'Read', args: { file_path: '/tmp/x' } }, thoughtSignature: 'c2lnbmF0dXJl' }], { finishReason: 'STOP' }, { promptTokenCount: 500, candidatesTokenCount: 2001 }));
const bytes = new TextEncoder().encode(sse(chunks));
const reads: Uint8Array[] = [];
for (let i = 0; i < bytes.length; i += 1024) reads.push(bytes.subarray(i, i + 1024));

const request = JSON.parse(readFileSync(new URL('../openai/fixtures/claude-code-request-turn2.json', import.meta.url), 'utf8')) as MessagesRequest;
const target = { provider: { name: 'gemini', kind: 'gemini' as const, baseUrl: 'https://generativelanguage.googleapis.com/v1beta', apiKey: 'k' }, model: 'gemini-2.5-pro' };

describe('gemini translation', () => {
  bench(`stream: ${chunks.length} chunks, ${(bytes.length / 1024).toFixed(0)} KiB in 1 KiB reads`, () => {
    const translator = geminiAdapter.createStreamTranslator(context(['Read']));
    for (const read of reads) translator.push(read);
    translator.end();
  });

  bench("request: Claude Code's tool turn (3 tools, 4 messages)", () => {
    geminiAdapter.buildRequest(request, target, context(request.tools!.map((t) => t.name)));
  });
});
