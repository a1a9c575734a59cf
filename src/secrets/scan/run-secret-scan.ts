/**
 * `patchbay scan --secrets` (and the secrets part of `doctor`): literal secrets in every file of
 * files.ts. Two passes per file:
 *  1. secretlint's core with the recommended preset over the file's text (Anthropic, OpenAI,
 *     AWS, GitHub, Slack, private keys, …; `secretlint-disable` comments are honoured);
 *  2. Patchbay's name rule over each server entry: an env variable or header named like a
 *     secret (`…_KEY`, `…TOKEN`, `SECRET`, `PASSWORD`, `Authorization`) or a `--token` argument
 *     holding a literal, and credentials in a server's url.
 * A finding names the file, line, column, server and field and the rule, never the value. A
 * literal in a file git tracks is an error (it is already in the repository's history); anywhere
 * else a warning.
 */
import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import { findNodeAtLocation, getLocation, parseTree, type Node } from 'jsonc-parser';
import { findProjectRoot } from '../../config/locations.js';
import { positionAt } from '../../config/json-text.js';
import { readTextIfExists } from '../../config/store/json-file.js';
import { isOnlyReference, isSecretName, looksLikeCredential, urlCredentialSpans } from '../rules/patchbay-rules.js';
import { shortRuleId } from '../rules/preset.js';
import { isTrackedByGit } from './git-tracked.js';
import { scannedFiles, type ScannedFile } from './files.js';

export interface SecretFinding {
  file: string;
  label: string;
  line: number;
  column: number;
  ruleId: string;
  severity: 'error' | 'warning';
  /** The JSON path of the value that holds it. */
  path: (string | number)[];
  server?: string;
  /** `env.API_KEY`, `headers.Authorization`, `args[3]`, `url`. */
  field?: string;
  /** Whether git tracks the file. */
  committed: boolean;
  /** `patchbay secrets move SERVER.FIELD` can move it (a whole env or header value). */
  movable: boolean;
}

export interface SecretScanReport {
  projectRoot: string;
  files: { file: string; label: string; exists: boolean; committed: boolean; error?: string }[];
  findings: SecretFinding[];
}

type JsonPath = (string | number)[];

interface Candidate {
  ruleId: string;
  offset: number;
  path: JsonPath;
}

const PRESET_CONFIG = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedPreset }] };

async function presetCandidates(file: string, text: string): Promise<Candidate[]> {
  const result = await lintSource({
    source: { content: text, filePath: file, ext: '.json', contentType: 'text' },
    options: { config: PRESET_CONFIG as never, maskSecrets: true },
  });
  return result.messages
    .filter((m) => m.type === 'message')
    .map((m) => ({ ruleId: shortRuleId(m.ruleId), offset: m.range[0], path: getLocation(text, m.range[0] + 1).path }));
}

function matches(path: readonly string[], pattern: readonly string[]): boolean {
  return path.length === pattern.length && pattern.every((p, i) => p === '*' || p === path[i]);
}

/** Each server entry of the file: its path and value. */
function entriesOf(data: unknown, containers: ScannedFile['containers']): { path: string[]; name: string; entry: Record<string, unknown> }[] {
  const out: { path: string[]; name: string; entry: Record<string, unknown> }[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    if (containers.some((c) => matches(path, c))) {
      for (const [name, entry] of Object.entries(value)) {
        if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) out.push({ path: [...path, name], name, entry: entry as Record<string, unknown> });
      }
      return;
    }
    if (path.length >= 3) return;
    for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
  };
  walk(data, []);
  return out;
}

/** The name rule and URL credentials over one entry. Offsets are found later from the path. */
function nameCandidates(entryPath: string[], entry: Record<string, unknown>): Candidate[] {
  const out: Candidate[] = [];
  for (const key of ['env', 'headers']) {
    const record = entry[key];
    if (typeof record !== 'object' || record === null) continue;
    for (const [name, value] of Object.entries(record)) {
      if (typeof value === 'string' && isSecretName(name) && looksLikeCredential(value)) out.push({ ruleId: 'secret-name', offset: -1, path: [...entryPath, key, name] });
    }
  }
  const args = Array.isArray(entry.args) ? entry.args : [];
  args.forEach((arg, i) => {
    if (typeof arg !== 'string' || isOnlyReference(arg)) return;
    const inline = /^(--?[A-Za-z0-9_-]+)=(.+)$/s.exec(arg);
    const previous = i > 0 ? args[i - 1] : undefined;
    const flagged = inline ? isSecretName(inline[1]!) && looksLikeCredential(inline[2]!) : typeof previous === 'string' && /^--?[A-Za-z0-9_-]+$/.test(previous) && isSecretName(previous) && looksLikeCredential(arg);
    if (flagged) out.push({ ruleId: 'secret-name', offset: -1, path: [...entryPath, 'args', i] });
  });
  if (typeof entry.url === 'string' && urlCredentialSpans(entry.url).length > 0) out.push({ ruleId: 'url-credentials', offset: -1, path: [...entryPath, 'url'] });
  return out;
}

function fieldOf(path: JsonPath, entryPath: readonly string[]): string {
  const rest = path.slice(entryPath.length);
  return rest.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export async function scanFile(target: ScannedFile): Promise<{ exists: boolean; committed: boolean; findings: SecretFinding[]; error?: string }> {
  let text: string | undefined;
  try {
    text = await readTextIfExists(target.file);
  } catch (error) {
    return { exists: true, committed: false, findings: [], error: `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  if (text === undefined) return { exists: false, committed: false, findings: [] };
  const body = text.replace(/^\uFEFF/, '');
  const committed = target.project && (await isTrackedByGit(target.file));
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    data = undefined; // still scanned as text; `doctor` reports the syntax error itself
  }
  const entries = entriesOf(data, target.containers);
  const candidates = [...(await presetCandidates(target.file, body)), ...entries.flatMap((e) => nameCandidates(e.path, e.entry))];
  const findings: SecretFinding[] = [];
  const seen = new Set<string>();
  let tree: Node | undefined;
  // The offset of a value found by its path, for line and column.
  const offsetOf = (path: JsonPath) => {
    tree ??= parseTree(body);
    return (tree && findNodeAtLocation(tree, path)?.offset) ?? 0;
  };
  for (const candidate of candidates) {
    // One finding per value: the preset's specific rule beats the name rule on the same field.
    const key = JSON.stringify(candidate.path);
    if (seen.has(key)) continue;
    seen.add(key);
    const offset = candidate.offset >= 0 ? candidate.offset : offsetOf(candidate.path);
    const { line, column } = positionAt(body, offset);
    const owner = entries.find((e) => e.path.every((p, i) => candidate.path[i] === p));
    const field = owner ? fieldOf(candidate.path, owner.path) : undefined;
    findings.push({
      file: target.file,
      label: target.label,
      line,
      column,
      ruleId: candidate.ruleId,
      severity: committed ? 'error' : 'warning',
      path: candidate.path,
      ...(owner ? { server: owner.name, field } : {}),
      committed,
      movable: owner !== undefined && field !== undefined && /^(env|headers)\.[^.]+$/.test(field),
    });
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  return { exists: true, committed, findings };
}

export async function runSecretScan(options: { cwd?: string; files?: ScannedFile[] } = {}): Promise<SecretScanReport> {
  const projectRoot = findProjectRoot(options.cwd ?? process.cwd());
  const targets = options.files ?? scannedFiles(projectRoot);
  const results = await Promise.all(targets.map((t) => scanFile(t)));
  return {
    projectRoot,
    files: targets.map((t, i) => ({ file: t.file, label: t.label, exists: results[i]!.exists, committed: results[i]!.committed, ...(results[i]!.error ? { error: results[i]!.error } : {}) })),
    findings: results.flatMap((r) => r.findings),
  };
}
