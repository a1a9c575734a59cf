/**
 * What a pin fingerprints: the fields of a definition a model reads and a client acts on —
 * name, title, description, input schema, output schema and annotations for a tool; the
 * arguments for a prompt; the URI template and MIME type for a resource template — as canonical
 * JSON (RFC 8785, JCS: sorted keys, one number format, no whitespace), hashed with SHA-256.
 *
 * Unlike an md5 of the description alone (mcp-scan), a changed input schema, a flipped
 * `readOnlyHint` or a rename all change the pin, and the name is inside the hash, so an
 * approved fingerprint never matches a tool of another name.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { DefinitionKind } from '../scan/types.js';

const FIELDS: Record<DefinitionKind, readonly string[]> = {
  tools: ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations'],
  prompts: ['name', 'title', 'description', 'arguments'],
  templates: ['name', 'title', 'description', 'uriTemplate', 'mimeType', 'annotations'],
};

export const FIELD_LABELS: Record<string, string> = {
  name: 'name',
  title: 'title',
  description: 'description',
  inputSchema: 'input schema',
  outputSchema: 'output schema',
  annotations: 'annotations',
  arguments: 'arguments',
  uriTemplate: 'URI template',
  mimeType: 'MIME type',
};

export type Definition = Record<string, unknown>;

/** The pinned fields of an item, as a plain JSON object (absent fields left out). */
export function pinnedFields(kind: DefinitionKind, item: Record<string, unknown>): Definition {
  const out: Definition = {};
  for (const field of FIELDS[kind]) if (item[field] !== undefined) out[field] = item[field];
  return out;
}

/** RFC 8785 canonical JSON. A value JCS cannot express (a lone surrogate) is escaped, never dropped. */
export function canonicalJson(value: unknown): string {
  try {
    return canonicalize(value) ?? 'null';
  } catch {
    return canonicalize(JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replace(/[\uD800-\uDFFF]/g, (ch, i: number, all: string) => (isPaired(all, i) ? ch : '\uFFFD')) : v)))) ?? 'null';
  }
}

function isPaired(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code <= 0xdbff) return i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
  return i > 0 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function fingerprint(definition: Definition): string {
  return sha256(canonicalJson(definition));
}

/** The top-level fields that differ between two definitions, in FIELDS order. */
export function changedFields(before: Definition, after: Definition): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const order = (k: string) => ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations', 'arguments', 'uriTemplate', 'mimeType'].indexOf(k);
  return keys.filter((k) => canonicalJson(before[k] ?? null) !== canonicalJson(after[k] ?? null)).sort((a, b) => order(a) - order(b));
}

/** "its description and input schema changed (readOnlyHint: false → true)", for refusals and the audit. */
export function describeChange(before: Definition, after: Definition): string {
  const fields = changedFields(before, after);
  const labels = fields.map((f) => FIELD_LABELS[f] ?? f);
  const list = labels.length <= 1 ? (labels[0] ?? 'definition') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
  const details: string[] = [];
  if (fields.includes('annotations')) {
    const a = (before.annotations ?? {}) as Record<string, unknown>;
    const b = (after.annotations ?? {}) as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
      if (canonicalJson(a[key] ?? null) !== canonicalJson(b[key] ?? null)) details.push(`${key}: ${JSON.stringify(a[key] ?? null)} → ${JSON.stringify(b[key] ?? null)}`);
    }
  }
  return `its ${list} changed${details.length > 0 ? ` (${details.slice(0, 4).join(', ')})` : ''}`;
}
