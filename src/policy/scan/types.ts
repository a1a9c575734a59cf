/**
 * What description scanning reports. A finding names the definition (server, kind, name), the
 * place inside it (a JSON path such as `inputSchema.properties.path.description`), what was
 * found and how bad it is:
 *
 *   error  the definition is quarantined like a changed pin (pins/guard.ts) until approved
 *   warn   shown by `patchbay scan` and `doctor`, never blocks
 *   info   a fact worth knowing (a credential path mentioned in passing), never blocks
 */

export type ScanLevel = 'info' | 'warn' | 'error';

/** The kinds of definitions that are pinned and scanned (resources are data, not instructions). */
export type DefinitionKind = 'tools' | 'prompts' | 'templates';

export type ScanCheck =
  | 'instruction-tag' // <IMPORTANT>, <system>, [INST], special tokens, HTML comments
  | 'override' // "ignore previous instructions", "IMPORTANT:" addressed to the model
  | 'sensitive-path' // ~/.ssh, .env, cloud credentials, host MCP configs
  | 'exfiltration' // "pass its content as the `notes` argument"
  | 'concealment' // "do not tell the user"
  | 'invisible' // zero-width, Unicode TAG block, bidi controls, variation-selector runs
  | 'homoglyph' // a word that mixes Latin letters with look-alikes from other scripts
  | 'encoded' // long base64 or hex runs that decode to text
  | 'oversized' // a definition too large to review
  | 'lookalike' // a name that looks like another server's tool name
  | 'shadowing'; // a description that names another server's tools

/** Where a finding's text was hidden, when it was decoded from something a person cannot read. */
export type HiddenIn = 'tag-characters' | 'variation-selectors' | 'zero-width' | 'base64' | 'hex' | 'html-comment';

export interface Finding {
  level: ScanLevel;
  check: ScanCheck;
  server: string;
  kind: DefinitionKind;
  /** The definition's name at its server (a tool, prompt or template name). */
  name: string;
  /** JSON path inside the definition (`description`, `inputSchema.properties.q.default`, `name`). */
  path: string;
  /** One sentence: what was found and why it matters. */
  message: string;
  /** The text that matched, printable (invisible characters spelled as \u{…}), at most 160 chars. */
  excerpt?: string;
  /** Set when the text was decoded from hidden content and scanned again. */
  hidden?: HiddenIn;
  /**
   * Stable identity of this finding for approvals: check, path and a digest of the matched
   * text. Approving a definition accepts its findings by key; a new key quarantines again.
   */
  key: string;
}

/** One definition to scan, as the server listed it. */
export interface ScanItem {
  server: string;
  kind: DefinitionKind;
  name: string;
  /** The whole JSON object the server sent (every field is scanned, not only the pinned ones). */
  item: Record<string, unknown>;
}

export const LEVEL_ORDER: Record<ScanLevel, number> = { info: 0, warn: 1, error: 2 };

export function worstLevel(findings: readonly Finding[]): ScanLevel | undefined {
  let worst: ScanLevel | undefined;
  for (const f of findings) if (worst === undefined || LEVEL_ORDER[f.level] > LEVEL_ORDER[worst]) worst = f.level;
  return worst;
}
