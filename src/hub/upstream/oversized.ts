/**
 * What to do with a message from a stdio server that is over its size limit
 * (`patchbay.maxMessageMb`, default 32 MiB like the gateway's body limit): the splitter dropped
 * it keeping its first and last KiB (line-splitter.ts), and those usually say what it was — the
 * SDKs write `{"jsonrpc":"2.0","id":…` first, and a result-first writer ends with `"id":…}`.
 * A response becomes an error answer to the request it belonged to, so the caller hears why
 * at once instead of waiting for its timeout; a request from the server gets an error back.
 */
import { topLevelScalar } from '../json-scan.js';
import type { OversizedLine } from './line-splitter.js';

export const DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

export interface OversizedMessage {
  kind: 'response' | 'request' | 'notification' | 'unknown';
  id?: string | number;
  method?: string;
}

const TAIL_ID = /"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")\s*\}\s*$/;

export function identifyOversized(line: OversizedLine): OversizedMessage {
  const method = scalar(topLevelScalar(line.head, 'method'));
  const id = scalar(topLevelScalar(line.head, 'id') ?? TAIL_ID.exec(line.tail)?.[1]);
  const validId = typeof id === 'string' || typeof id === 'number' ? id : undefined;
  if (typeof method === 'string') return { kind: validId === undefined ? 'notification' : 'request', method, id: validId };
  if (validId !== undefined) return { kind: 'response', id: validId };
  return { kind: 'unknown' };
}

function scalar(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${mib >= 10 ? Math.round(mib) : mib.toFixed(1).replace(/\.0$/, '')} MiB`;
}

/** The entry setting that would let a message of `bytes` through. */
export function raiseHint(bytes: number): string {
  return `"patchbay": {"maxMessageMb": ${Math.max(1, Math.ceil((bytes * 1.5) / (1024 * 1024)))}} in the server's entry allows it`;
}
