/**
 * Secrets in a JSON value on the wire (tool-call arguments, tool results: text content, resource
 * contents, structured content, prompts' messages): every string goes through the rules
 * (../rules/scanner.ts) with the user's stored secrets, and a string under a secret-named key
 * that looks like a credential is caught by the name rule. Base64 payloads (`blob`, image and
 * audio `data`) are not text and are skipped. With `redact`, a copy comes back with each secret
 * replaced by `[REDACTED:rule-id]`; untouched branches are shared, not copied.
 */
import { isSecretName, looksLikeCredential } from '../rules/patchbay-rules.js';
import { findSecrets, replaceSpans, type KnownSecrets } from '../rules/scanner.js';

export interface TrafficFinding {
  ruleId: string;
  /** Where: `arguments.query`, `content[0].text`, `structuredContent.items[3].token`. */
  path: string;
}

export interface JsonScanOptions {
  known: readonly KnownSecrets[];
  /** Rule ids to ignore. */
  allow: ReadonlySet<string>;
  redact: boolean;
}

const MAX_DEPTH = 64;
const BINARY_KEYS = new Set(['blob', 'data']);

export const marker = (ruleId: string) => `[REDACTED:${ruleId}]`;

function childPath(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
}

export function scanJson(value: unknown, root: string, options: JsonScanOptions): { findings: TrafficFinding[]; value: unknown } {
  const findings: TrafficFinding[] = [];

  function visitString(text: string, path: string, key: string | undefined): string {
    const spans = findSecrets(text, { known: options.known }).filter((s) => !options.allow.has(s.ruleId));
    if (spans.length === 0) {
      // No pattern knows it, but the field's name says it is a credential (and it looks like one).
      if (key === undefined || options.allow.has('secret-name') || !isSecretName(key) || !looksLikeCredential(text, true)) return text;
      findings.push({ ruleId: 'secret-name', path });
      return options.redact ? marker('secret-name') : text;
    }
    for (const span of spans) findings.push({ ruleId: span.ruleId, path });
    return options.redact ? replaceSpans(text, spans, marker) : text;
  }

  function visit(node: unknown, path: string, key: string | undefined, depth: number): unknown {
    if (typeof node === 'string') return visitString(node, path, key);
    if (node === null || typeof node !== 'object' || depth > MAX_DEPTH) return node;
    if (Array.isArray(node)) {
      let copy: unknown[] | undefined;
      node.forEach((item, i) => {
        const next = visit(item, childPath(path, i), undefined, depth + 1);
        if (next !== item) (copy ??= [...node])[i] = next;
      });
      return copy ?? node;
    }
    let copy: Record<string, unknown> | undefined;
    const record = node as Record<string, unknown>;
    // Only base64 payloads of content blocks are skipped, not any key called "data".
    const binary = typeof record.mimeType === 'string' || record.type === 'image' || record.type === 'audio';
    for (const [k, item] of Object.entries(record)) {
      if (binary && BINARY_KEYS.has(k)) continue;
      const next = visit(item, childPath(path, k), k, depth + 1);
      if (next !== item) (copy ??= { ...record })[k] = next;
    }
    return copy ?? node;
  }

  const result = visit(value, root, undefined, 0);
  return { findings, value: result };
}
