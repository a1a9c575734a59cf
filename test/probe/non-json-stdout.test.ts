/**
 * The first non-JSON line a server wrote on stdout is quoted whenever there was one (issue 9,
 * item 13): also when the server then waits (cmd.exe's "Terminate batch job (Y/N)?" prompt, with
 * or without a newline) or floods 50 MB of garbage, where the report used to be only "no answer
 * to initialize".
 */
import { describe, expect, it } from 'vitest';
import { probeServer } from '../../src/hub/probe.js';
import { fixture, scoped } from './helpers.js';

const opts = { timeoutMs: 3_000 };

describe('probeServer on a server that prints non-JSON and then hangs or floods', () => {
  it('quotes a prompt without a newline, and says it then gave no answer', async () => {
    const result = await probeServer(scoped('prompt', fixture('stdout-noise', 'prompt')), opts);
    expect(result).toMatchObject({
      status: 'failed',
      kind: 'non-json-stdout',
      reason: 'printed non-JSON on stdout: "Terminate batch job (Y/N)?", then gave no answer to initialize within 3000 ms',
    });
    expect(result.details?.[0]).toBe(`Hosts fail on this line with: Unexpected token 'T', "Terminate "... is not valid JSON`);
    expect(result.hint).toContain('waiting for an answer on stdin');
  });

  it('quotes a prompt on its own line the same way', async () => {
    const result = await probeServer(scoped('line', fixture('stdout-noise', 'line')), opts);
    expect(result.kind).toBe('non-json-stdout');
    expect(result.reason).toBe('printed non-JSON on stdout: "Terminate batch job (Y/N)?", then gave no answer to initialize within 3000 ms');
  });

  it('quotes the first of 50 MB of garbage lines, not the last, and says how many there were', async () => {
    const result = await probeServer(scoped('flood', fixture('stdout-noise', 'flood')), { timeoutMs: 5_000 });
    expect(result.kind).toBe('non-json-stdout');
    expect(result.reason).toMatch(/^printed non-JSON on stdout: "garbage 0 #+", then gave no answer to initialize within 5000 ms$/);
    expect(result.details?.[1]).toMatch(/^\d+ non-JSON lines on stdout in all; the last: "garbage \d+ #+"$/);
  });

  it('quotes the start of 50 MB of garbage with no newline', async () => {
    const result = await probeServer(scoped('blob', fixture('stdout-noise', 'blob')), { timeoutMs: 5_000 });
    expect(result.kind).toBe('non-json-stdout');
    expect(result.reason).toMatch(/^printed non-JSON on stdout: "GARBAGE%+… \(50 MiB without a newline\)", then gave no answer to initialize within 5000 ms$/);
  });
});
