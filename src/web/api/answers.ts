/** Small pieces every route file uses to answer: an error as JSON, redacted, and a sink for CLI output. */
import { Writable } from 'node:stream';
import { redactJson } from '../../secrets/redact/index.js';

/** The core functions print like the CLI; the API answers with their return values instead. */
export const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/** What went wrong and what to do, without a stack trace or a secret. */
export function errorOf(error: unknown): { error: string; hint?: string } {
  const e = error as { message?: string; hint?: string };
  return { error: String(redactJson(e.message ?? String(error))), ...(e.hint ? { hint: String(redactJson(e.hint)) } : {}) };
}
