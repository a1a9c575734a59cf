/**
 * estimateRequestTokens counts every part of a Messages request that a provider bills as input.
 * The reference is the same parts counted with gpt-tokenizer's o200k_base plus the estimator's
 * published framing overheads, on the real Claude Code requests in /work/shared/reference.
 */
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import type { ContentBlock, MessagesRequest } from '../../../src/proxy/anthropic-types.js';
import {
  estimateRequestTokens,
  MESSAGE_OVERHEAD,
  REQUEST_OVERHEAD,
  TOOL_BLOCK_OVERHEAD,
  TOOL_OVERHEAD,
} from '../../../src/proxy/tokens/estimate.js';
import { imageDimensions, MAX_IMAGE_TOKENS } from '../../../src/proxy/tokens/media-tokens.js';

const CORPUS = new URL('./corpus/json/', import.meta.url);
const load = (name: string) => JSON.parse(readFileSync(new URL(name, CORPUS), 'utf8')) as MessagesRequest;

/** The same walk as the estimator, with real BPE counts for every text. */
function referenceCount(request: MessagesRequest): number {
  const bpe = (s: string) => encode(s).length;
  const block = (b: ContentBlock): number => {
    switch (b.type) {
      case 'text': return bpe(b.text);
      case 'thinking': return bpe(b.thinking);
      case 'tool_use': return TOOL_BLOCK_OVERHEAD + bpe(b.name) + bpe(JSON.stringify(b.input));
      case 'tool_result':
        return TOOL_BLOCK_OVERHEAD + (typeof b.content === 'string' ? bpe(b.content) : (b.content ?? []).reduce((n, c) => n + block(c), 0));
      default: throw new Error(`reference does not handle ${b.type}`);
    }
  };
  let n = REQUEST_OVERHEAD;
  if (typeof request.system === 'string') n += MESSAGE_OVERHEAD + bpe(request.system);
  else if (request.system) n += MESSAGE_OVERHEAD + request.system.reduce((s, b) => s + block(b), 0);
  for (const m of request.messages) n += MESSAGE_OVERHEAD + (typeof m.content === 'string' ? bpe(m.content) : m.content.reduce((s, b) => s + block(b), 0));
  for (const t of request.tools ?? []) n += TOOL_OVERHEAD + bpe(t.name) + bpe(t.description ?? '') + bpe(JSON.stringify(t.input_schema));
  return n;
}

describe('estimateRequestTokens on real Claude Code requests', () => {
  it.each(['claude-code-request-turn1.json', 'claude-code-request-turn2.json'])('%s is within 10%% of the o200k count of its parts', (name) => {
    const request = load(name);
    const real = referenceCount(request);
    expect(real).toBeGreaterThan(500);
    expect(Math.abs(estimateRequestTokens(request) - real) / real).toBeLessThanOrEqual(0.1);
  });

  it('counts the tool_result and the mid-conversation system message of turn 2', () => {
    const request = load('claude-code-request-turn2.json');
    const withoutLast = { ...request, messages: request.messages.slice(0, -1) };
    expect(estimateRequestTokens(request)).toBeGreaterThan(estimateRequestTokens(withoutLast));
    const types = request.messages.flatMap((m) => (typeof m.content === 'string' ? [] : m.content.map((b) => b.type)));
    expect(types).toContain('tool_result');
  });
});

const base = (content: MessagesRequest['messages'][number]['content'], extra: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: 'gpt-4o',
  max_tokens: 100,
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('estimateRequestTokens counts each part', () => {
  const prose = 'The proxy counts every part of the request the way a provider would bill it. '.repeat(20);
  const empty = estimateRequestTokens(base(''));

  it('system prompt, as a string or as blocks', () => {
    const asString = estimateRequestTokens(base('', { system: prose }));
    const asBlocks = estimateRequestTokens(base('', { system: [{ type: 'text', text: prose }] }));
    expect(asString - empty).toBeGreaterThan(encode(prose).length * 0.9);
    expect(asBlocks).toBe(asString);
  });

  it('text, thinking, tool_use input and tool_result content', () => {
    const input = { path: '/src/index.ts', content: prose };
    for (const block of [
      { type: 'text', text: prose },
      { type: 'thinking', thinking: prose, signature: 'sig' },
      { type: 'tool_use', id: 'toolu_1', name: 'Write', input },
      { type: 'tool_result', tool_use_id: 'toolu_1', content: prose },
      { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: prose }] },
    ] as ContentBlock[]) {
      expect(estimateRequestTokens(base([block])) - empty, block.type).toBeGreaterThan(encode(prose).length * 0.9);
    }
  });

  it('tool definitions: name, description and schema, plus a per-tool overhead', () => {
    const tool = { name: 'get_weather', description: prose, input_schema: { type: 'object', properties: { city: { type: 'string', description: 'City name' } } } };
    const one = estimateRequestTokens(base('', { tools: [tool] })) - empty;
    expect(one).toBeGreaterThan(encode(prose).length * 0.9 + TOOL_OVERHEAD);
    const two = estimateRequestTokens(base('', { tools: [tool, { ...tool, name: 'get_time' }] })) - empty;
    expect(two).toBeGreaterThanOrEqual(2 * one - 2);
  });

  it('adds a per-message overhead', () => {
    const one = base('hi');
    const three: MessagesRequest = { ...one, messages: [...one.messages, { role: 'assistant', content: 'hi' }, { role: 'user', content: 'hi' }] };
    expect(estimateRequestTokens(three) - estimateRequestTokens(one)).toBe(2 * (MESSAGE_OVERHEAD + 1));
  });

  it('ignores malformed parts instead of throwing', () => {
    const junk = { model: 'x', max_tokens: 1, messages: [{ role: 'user', content: [null, 3, { type: 'text' }] }], tools: [null] } as unknown as MessagesRequest;
    expect(estimateRequestTokens(junk)).toBeGreaterThan(0);
  });
});

/** A real, decodable PNG of the given size (grey pixels). */
function png(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const raw = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) raw[y * (width + 1)] = 0; // filter byte: none
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** The start of a baseline JPEG: SOI, a JFIF APP0 segment, then SOF0 with the frame size. */
function jpegHeader(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const sof0 = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof0]);
}

describe('images use Anthropic’s width*height/750', () => {
  const imageRequest = (mediaType: string, data: Buffer) =>
    base([{ type: 'image', source: { type: 'base64', media_type: mediaType, data: data.toString('base64') } }]);
  const empty = estimateRequestTokens(base([]));

  it('reads PNG dimensions: 400x300 costs 160 tokens', () => {
    expect(imageDimensions(png(400, 300))).toEqual({ width: 400, height: 300 });
    expect(estimateRequestTokens(imageRequest('image/png', png(400, 300))) - empty).toBe(160);
  });

  it('reads JPEG dimensions: 1000x500 costs 667 tokens', () => {
    expect(estimateRequestTokens(imageRequest('image/jpeg', jpegHeader(1000, 500))) - empty).toBe(667);
  });

  it('caps a large image at the size the API scales it to (about 1,600 tokens)', () => {
    expect(estimateRequestTokens(imageRequest('image/png', png(2000, 1600))) - empty).toBe(MAX_IMAGE_TOKENS);
  });

  it('uses the maximum when the size cannot be known (URL source, unknown format)', () => {
    const url = base([{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }]);
    expect(estimateRequestTokens(url) - empty).toBe(MAX_IMAGE_TOKENS);
    expect(estimateRequestTokens(imageRequest('image/bmp', Buffer.from('BM not an image'))) - empty).toBe(MAX_IMAGE_TOKENS);
  });
});
