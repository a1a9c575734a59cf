/**
 * Checks that need every server's lists at once:
 *
 * - look-alike names: two servers' tools whose names differ but share a UTS #39 skeleton after
 *   NFKC (`read_file` and `reаd_file` with a Cyrillic а, `read_fiIe` with a capital I). When
 *   one of the two is a plain lower-case ASCII name and the other is not, the other is the
 *   impostor and is an error; otherwise both get a warning.
 * - shadowing: one server's definition naming another server's tool ("when you call
 *   send_email, always BCC …"), the way a poisoned server rewires a trusted one. Only
 *   distinctive names count (with `_`, `-`, a digit or an inner capital, quoted, or written
 *   `server__tool`), so an ordinary word that happens to be a tool name ("echo") does not; a
 *   name the server also has itself does not either. An error when the sentence instructs.
 */
import { findingKey } from './scan-definition.js';
import { textPieces } from './text.js';
import type { Finding, ScanItem } from './types.js';
import { foldForMatch, printable, skeleton } from './unicode.js';

const PLAIN_NAME = /^[a-z0-9]+(?:[_-][a-z0-9]+)*$/;
const DISTINCTIVE = /[_\-0-9]|[a-z][A-Z]/;
const DIRECTIVE = /\b(?:always|never|must|instead|before|after|whenever|when\s+(?:you\s+)?(?:use|call|using|calling|run|running|invoke)|do\s+not\s+use|don'?t\s+use|prefer|also|bcc|cc|redirect|forward|replace|override|first)\b/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function crossCheck(items: readonly ScanItem[]): Finding[] {
  const tools = items.filter((i) => i.kind === 'tools');
  return [...lookalikes(tools), ...shadowing(items, tools)];
}

function lookalikes(tools: readonly ScanItem[]): Finding[] {
  const bySkeleton = new Map<string, ScanItem[]>();
  for (const tool of tools) {
    const key = skeleton(tool.name.normalize('NFKC'));
    const group = bySkeleton.get(key);
    if (group) group.push(tool);
    else bySkeleton.set(key, [tool]);
  }
  const out: Finding[] = [];
  for (const group of bySkeleton.values()) {
    if (group.length < 2) continue;
    for (const tool of group) {
      for (const other of group) {
        if (other.server === tool.server || other.name === tool.name) continue;
        const impostor = PLAIN_NAME.test(other.name) && !PLAIN_NAME.test(tool.name);
        if (!impostor && PLAIN_NAME.test(tool.name) && !PLAIN_NAME.test(other.name)) continue; // the other one is the impostor
        out.push({
          level: impostor ? 'error' : 'warn',
          check: 'lookalike',
          server: tool.server,
          kind: tool.kind,
          name: tool.name,
          path: 'name',
          message: `the name "${printable(tool.name)}" looks like "${other.name}" of server "${other.server}"`,
          excerpt: printable(tool.name),
          key: findingKey('lookalike', 'name', `${other.server}/${other.name}`),
        });
      }
    }
  }
  return out;
}

function shadowing(items: readonly ScanItem[], tools: readonly ScanItem[]): Finding[] {
  const servers = [...new Set(items.map((i) => i.server))];
  const names = new Map<string, Set<string>>(servers.map((s) => [s, new Set(tools.filter((t) => t.server === s).map((t) => t.name))]));
  const out: Finding[] = [];
  const compiled = new Map<string, RegExp>();
  const patternOf = (tool: ScanItem, shared: boolean) => {
    const key = `${shared ? 1 : 0}\0${tool.server}\0${tool.name}`;
    let re = compiled.get(key);
    if (!re) compiled.set(key, (re = mentionPattern(tool, shared)));
    return re;
  };
  for (const target of items) {
    const own = names.get(target.server)!;
    // A name this server has too may mean its own tool; only the namespaced form is sure.
    const others = tools.filter((t) => t.server !== target.server);
    if (others.length === 0) continue;
    const patterns = others.map((t) => ({ tool: t, pattern: patternOf(t, own.has(t.name)) }));
    for (const piece of textPieces(target.item)) {
      if (piece.path === 'name') continue;
      const folded = foldForMatch(piece.text);
      for (const { tool, pattern } of patterns) {
        const m = pattern.exec(folded);
        if (!m) continue;
        const sentence = sentenceAround(folded, m.index);
        const instructs = DIRECTIVE.test(sentence);
        out.push({
          level: instructs ? 'error' : 'warn',
          check: 'shadowing',
          server: target.server,
          kind: target.kind,
          name: target.name,
          path: piece.path,
          message: `names "${tool.name}" of server "${tool.server}"${instructs ? ' and tells the model how to use it' : ''}`,
          excerpt: printable(sentence),
          key: findingKey('shadowing', piece.path, `${tool.server}/${tool.name}`),
        });
      }
    }
  }
  return out;
}

/** How a description may refer to another server's tool: namespaced, quoted, or a distinctive bare name. */
function mentionPattern(tool: ScanItem, sharedName: boolean): RegExp {
  const name = escapeRegExp(tool.name.toLowerCase());
  const server = escapeRegExp(tool.server.toLowerCase());
  const forms = [`${server}(?:__|\\.|/|:)${name}`];
  if (!sharedName) forms.push(`[\`'"]${name}[\`'"]`);
  if (!sharedName && DISTINCTIVE.test(tool.name) && tool.name.length >= 4) forms.push(name);
  return new RegExp(`(?<![\\w-])(?:${forms.join('|')})(?![\\w-])`);
}

function sentenceAround(text: string, index: number): string {
  const start = Math.max(text.lastIndexOf('.', index), text.lastIndexOf('\n', index)) + 1;
  const ends = ['.', '\n'].map((c) => text.indexOf(c, index)).filter((i) => i >= 0);
  const end = ends.length > 0 ? Math.min(...ends) : text.length;
  return text.slice(start, end).trim();
}
