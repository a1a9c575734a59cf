import { describe, expect, it } from 'vitest';
import { createLineSplitter, type OversizedLine } from './line-splitter.js';

function split(chunks: Buffer[], maxLineBytes = 1_000) {
  const lines: string[] = [];
  const dropped: OversizedLine[] = [];
  const splitter = createLineSplitter({ maxLineBytes, onLine: (l) => lines.push(l), onOversized: (d) => dropped.push(d) });
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return { lines, dropped };
}

describe('createLineSplitter', () => {
  it('splits lines across chunks, strips CR, keeps empty lines and a last line without newline', () => {
    const { lines } = split([Buffer.from('a\r\nb'), Buffer.from('c\n\nd'), Buffer.from('e')]);
    expect(lines).toEqual(['a', 'bc', '', 'de']);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const bytes = Buffer.from('{"t":"é€😀"}\n');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(split(chunks).lines).toEqual(['{"t":"é€😀"}']);
  });

  it('drops a line over the limit without holding it, keeping its first and last KiB, and goes on', () => {
    const big = `{"jsonrpc":"2.0","id":42,"result":{"text":"${'x'.repeat(50_000)}"}}`;
    const chunks: Buffer[] = [Buffer.from('before\n')];
    const bytes = Buffer.from(`${big}\nafter\n`);
    for (let i = 0; i < bytes.length; i += 4096) chunks.push(bytes.subarray(i, i + 4096));
    const { lines, dropped } = split(chunks, 10_000);
    expect(lines).toEqual(['before', 'after']);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.bytes).toBe(Buffer.byteLength(big));
    expect(dropped[0]!.head.startsWith('{"jsonrpc":"2.0","id":42,')).toBe(true);
    expect(dropped[0]!.head.length).toBe(1024);
    expect(dropped[0]!.tail.endsWith('xx"}}')).toBe(true);
  });

  it('drops an over-limit line in the middle of a chunk and keeps its neighbours', () => {
    const { lines, dropped } = split([Buffer.from(`a\n${'b'.repeat(200)}\r\nc\n`)], 100);
    expect(lines).toEqual(['a', 'c']);
    expect(dropped.map((d) => [d.bytes, d.head.length, d.tail])).toEqual([[200, 200, 'b'.repeat(200)]]);
  });

  it('treats a line exactly at the limit as fine and one byte more as oversized', () => {
    expect(split([Buffer.from(`${'y'.repeat(100)}\n`)], 100).lines).toEqual(['y'.repeat(100)]);
    expect(split([Buffer.from(`${'y'.repeat(101)}\n`)], 100).dropped[0]!.bytes).toBe(101);
    expect(split([Buffer.from('y'.repeat(101))], 100).dropped[0]!.bytes).toBe(101);
  });
});
