/**
 * Gemini's thought signatures, carried through an Anthropic client and back.
 *
 * Gemini returns an opaque `thoughtSignature` on the first functionCall part of each step (and on
 * the last part of an answer without calls) and Gemini 3 answers 400 INVALID_ARGUMENT when a
 * functionCall of the current turn comes back without it
 * (https://ai.google.dev/gemini-api/docs/thought-signatures). Anthropic clients keep `thinking`
 * blocks verbatim, signature included, and send them back with the conversation; so the proxy
 * emits a `thinking` block right before the part that carried the signature, whose `signature` is
 * this module's envelope: which tool_use (or the answer's text) it belongs to, and Gemini's bytes.
 */
import { randomId } from '../random-id.js';

const PREFIX = 'patchbay.gemini.v1.';

/** Documented value for history Gemini did not produce (or whose signature the client dropped). */
export const DUMMY_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

export interface SignatureEntry {
  /** The Anthropic tool_use id whose functionCall part carried the signature; absent for a text part. */
  toolUseId?: string;
  signature: string;
}

export function encodeSignatures(entries: SignatureEntry[]): string {
  const compact = entries.map((e) => (e.toolUseId === undefined ? { s: e.signature } : { t: e.toolUseId, s: e.signature }));
  return PREFIX + Buffer.from(JSON.stringify(compact), 'utf8').toString('base64url');
}

/**
 * True for a thinking-block signature this adapter wrote. Such blocks mean nothing to Anthropic
 * (which rejects foreign signatures): a route that sends the conversation to Anthropic instead
 * should drop them.
 */
export function isGeminiSignature(signature: unknown): boolean {
  return typeof signature === 'string' && signature.startsWith(PREFIX);
}

/** Entries of a signature this proxy wrote; [] for anything else (an Anthropic signature, garbage). */
export function decodeSignatures(signature: string | undefined): SignatureEntry[] {
  if (!signature?.startsWith(PREFIX)) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(signature.slice(PREFIX.length), 'base64url').toString('utf8'));
    if (!Array.isArray(parsed)) return [];
    const entries: SignatureEntry[] = [];
    for (const item of parsed) {
      if (!item || typeof item !== 'object' || typeof item.s !== 'string') continue;
      entries.push(typeof item.t === 'string' ? { toolUseId: item.t, signature: item.s } : { signature: item.s });
    }
    return entries;
  } catch {
    return [];
  }
}

const TOOL_ID = /^[a-zA-Z0-9_-]+$/;

/**
 * Anthropic tool ids must match ^[a-zA-Z0-9_-]+$ and be unique. Gemini usually sends no id: then a
 * fresh `toolu_…` one; an id Gemini did send is kept (and sent back) when it is safe to.
 */
export function toolUseIdFor(upstreamId: string | undefined, seen: Set<string>): string {
  if (upstreamId && TOOL_ID.test(upstreamId) && !upstreamId.startsWith('toolu_') && !seen.has(upstreamId)) {
    seen.add(upstreamId);
    return upstreamId;
  }
  let id: string;
  do id = `toolu_${randomId(12)}`; while (seen.has(id));
  seen.add(id);
  return id;
}

/** Ids we generated start with `toolu_`; any other id came from Gemini and goes back to it. */
export function upstreamIdOf(toolUseId: string): string | undefined {
  return toolUseId.startsWith('toolu_') ? undefined : toolUseId;
}
