/**
 * Tool-call ids in both directions. Anthropic requires tool_use ids to match ^[a-zA-Z0-9_-]+$,
 * and OpenAI rejects tool_call ids longer than 40 characters. Some compatible servers send ids
 * like `functions.get_weather:0` or none at all. One idempotent function is used both ways, so an
 * id we hand to the client comes back unchanged, and an id the client made up maps to the same
 * upstream id in the assistant message and in its tool result.
 */
import { createHash } from 'node:crypto';

const SAFE = /^[a-zA-Z0-9_-]+$/;
const MAX_LENGTH = 40;

export function sanitizeToolId(id: string): string {
  if (id.length > 0 && id.length <= MAX_LENGTH && SAFE.test(id)) return id;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 10);
  const head = id.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, MAX_LENGTH - hash.length - 1);
  return head.length > 0 ? `${head}_${hash}` : `toolu_${hash}`;
}

/** An id for a tool call the upstream sent without one: unique per message and call index. */
export function generatedToolId(messageId: string, index: number): string {
  return sanitizeToolId(`toolu_${messageId.replace(/^msg_/, '')}_${index}`);
}
