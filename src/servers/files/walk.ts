/**
 * Walking a tree the way a person expects: `.git` skipped, `.gitignore` files honoured (each for
 * its own subtree), extra ignore globs, and nothing the path guard would refuse to show.
 * Symlinks are listed but never followed, so a walk cannot leave a root.
 */
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** A glob (`*`, `**`, `?`, `[abc]`, `{a,b}`) as a RegExp over '/'-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inGroup = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      inGroup++;
      re += '(?:';
    } else if (c === '}' && inGroup) {
      inGroup--;
      re += ')';
    } else if (c === ',' && inGroup) re += '|';
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

interface IgnoreRule {
  re: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

/** One `.gitignore` (or a list of ignore globs), relative to its directory. */
export function parseIgnore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    rules.push({ re: globToRegExp(anchored ? line : `**/${line}`), negate, dirOnly });
  }
  return rules;
}

function ignored(rules: readonly IgnoreRule[], rel: string, isDir: boolean): boolean {
  let out = false;
  for (const r of rules) if ((!r.dirOnly || isDir) && r.re.test(rel)) out = !r.negate;
  return out;
}

export interface WalkEntry {
  path: string;
  /** Relative to the walk's start, '/'-separated. */
  rel: string;
  depth: number;
  type: 'file' | 'directory' | 'symlink' | 'other';
}

export interface WalkOptions {
  maxDepth?: number;
  ignore?: readonly string[];
  gitignore?: boolean;
  visible: (path: string) => boolean;
}

/** Depth-first, sorted by name; yields directories before their contents. */
export async function* walk(start: string, options: WalkOptions): AsyncGenerator<WalkEntry> {
  const extra = parseIgnore((options.ignore ?? []).join('\n'));
  const maxDepth = options.maxDepth ?? Infinity;
  async function* visit(dir: string, depth: number, scopes: Array<{ base: string; rules: IgnoreRule[] }>): AsyncGenerator<WalkEntry> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    let here = scopes;
    if (options.gitignore !== false && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      const text = await fs.readFile(join(dir, '.gitignore'), 'utf8').catch(() => '');
      here = [...scopes, { base: dir, rules: parseIgnore(text) }];
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name === '.git') continue;
      const path = join(dir, e.name);
      if (!options.visible(path)) continue;
      const isDir = e.isDirectory();
      const rel = relative(start, path).split(sep).join('/');
      if (ignored(extra, rel, isDir)) continue;
      if (here.some((s) => ignored(s.rules, relative(s.base, path).split(sep).join('/'), isDir))) continue;
      const type = isDir ? 'directory' : e.isFile() ? 'file' : e.isSymbolicLink() ? 'symlink' : 'other';
      yield { path, rel, depth, type };
      if (isDir && depth < maxDepth) yield* visit(path, depth + 1, here);
    }
  }
  yield* visit(start, 1, []);
}
