/**
 * Content search: ripgrep (`rg --json`) when it is on PATH, the same results from a JS walk
 * otherwise. Matches come sorted by path and line so `offset` pages are stable; each carries
 * its context lines. ripgrep is stopped as soon as the page is full.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, promises as fs } from 'node:fs';
import { delimiter, join } from 'node:path';
import { globToRegExp, walk } from './walk.js';

export interface ContentMatch {
  path: string;
  line: number;
  text: string;
  before: string[];
  after: string[];
}

export interface ContentQuery {
  dir: string;
  pattern: string;
  literal: boolean;
  caseSensitive: boolean;
  glob?: string;
  ignore?: readonly string[];
  context: number;
  offset: number;
  limit: number;
  visible: (path: string) => boolean;
}

export interface ContentResult {
  matches: ContentMatch[];
  /** More matches exist after this page. */
  more: boolean;
  engine: 'ripgrep' | 'js';
}

const MAX_FILE = 8 * 1024 * 1024;

export function findRipgrep(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, process.platform === 'win32' ? 'rg.exe' : 'rg');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export async function searchContent(query: ContentQuery, ripgrep: string | undefined): Promise<ContentResult> {
  return ripgrep ? searchWithRipgrep(query, ripgrep) : searchWithJs(query);
}

function compile(q: ContentQuery): RegExp {
  const source = q.literal ? q.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : q.pattern;
  return new RegExp(source, q.caseSensitive ? '' : 'i');
}

async function searchWithJs(q: ContentQuery): Promise<ContentResult> {
  const re = compile(q);
  const want = q.offset + q.limit;
  const matches: ContentMatch[] = [];
  const globRe = q.glob ? globToRegExp(q.glob.includes('/') ? q.glob : `**/${q.glob}`) : undefined;
  const scan = async (path: string): Promise<ContentMatch[]> => {
    const buffer = await fs.readFile(path).catch(() => undefined);
    if (!buffer || buffer.length > MAX_FILE || buffer.subarray(0, 8000).includes(0)) return [];
    const text = buffer.toString('utf8');
    if (q.literal && q.caseSensitive && !text.includes(q.pattern)) return [];
    const lines = text.split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    const found: ContentMatch[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (re.test(lines[i]!)) found.push({ path, line: i + 1, text: lines[i]!, before: lines.slice(Math.max(0, i - q.context), i), after: lines.slice(i + 1, i + 1 + q.context) });
    }
    return found;
  };
  // Files are read a batch at a time (in parallel) and their matches taken in walk order, so
  // pages are the same as ripgrep's --sort path.
  let batch: string[] = [];
  const flush = async () => {
    for (const found of await Promise.all(batch.map(scan))) matches.push(...found);
    batch = [];
    return matches.length > want;
  };
  for await (const entry of walk(q.dir, { ignore: q.ignore, visible: q.visible })) {
    if (entry.type !== 'file' || (globRe && !globRe.test(entry.rel))) continue;
    batch.push(entry.path);
    if (batch.length >= 64 && (await flush())) return { matches: matches.slice(q.offset, want), more: true, engine: 'js' };
  }
  const more = await flush();
  return { matches: matches.slice(q.offset, want), more, engine: 'js' };
}

interface RgEvent {
  type: string;
  data: { path?: { text?: string }; lines?: { text?: string }; line_number?: number };
}

function searchWithRipgrep(q: ContentQuery, rg: string): Promise<ContentResult> {
  // --hidden and !.git: the same files the JS walk reads (dotfiles yes, .git no).
  const args = ['--json', '--sort', 'path', '--no-config', '--hidden', '--glob', '!.git', '--max-filesize', `${MAX_FILE}`, '-C', String(q.context)];
  if (q.literal) args.push('-F');
  if (!q.caseSensitive) args.push('-i');
  if (q.glob) args.push('--glob', q.glob);
  for (const g of q.ignore ?? []) args.push('--glob', `!${g}`);
  args.push('-e', q.pattern, '--', q.dir);
  const want = q.offset + q.limit;
  return new Promise((resolve, reject) => {
    const child = spawn(rg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const matches: ContentMatch[] = [];
    let pending: string[] = [];
    let last: ContentMatch | undefined;
    let buffer = '';
    let stderr = '';
    let done = false;
    const finish = (more: boolean) => {
      if (done) return;
      done = true;
      child.kill();
      resolve({ matches: matches.slice(q.offset, want), more, engine: 'ripgrep' });
    };
    const onEvent = (e: RgEvent) => {
      const path = e.data.path?.text;
      const text = (e.data.lines?.text ?? '').replace(/\r?\n$/, '');
      if (e.type === 'begin' || e.type === 'end') {
        pending = [];
        last = undefined;
      } else if (e.type === 'context') {
        if (last && last.after.length < q.context) last.after.push(text);
        pending.push(text);
        if (pending.length > q.context) pending.shift();
      } else if (e.type === 'match' && path) {
        if (!q.visible(path)) return;
        if (matches.length >= want) return finish(true);
        last = { path, line: e.data.line_number ?? 0, text, before: q.context ? pending.slice(-q.context) : [], after: [] };
        matches.push(last);
        pending = [];
      }
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let nl;
      while (!done && (nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          onEvent(JSON.parse(line) as RgEvent);
        } catch {
          /* not JSON: ignore */
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (done) return;
      // 1: no match; 2: some error (unreadable files) but results may still be good.
      if (code === 2 && matches.length === 0 && stderr.includes('regex')) return reject(new Error(`ripgrep: ${stderr.trim().split('\n')[0]}`));
      finish(false);
    });
  });
}
