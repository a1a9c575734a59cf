/**
 * The files server's tools. Every path goes through the PathGuard; every failure is a tool
 * error that says what and where, never a crash. Annotations follow the MCP 2025-06-18 tool
 * annotations: reads are readOnly; write and move may overwrite (destructive); write is
 * idempotent (same content twice, same file), edit and move are not.
 */
import { promises as fs } from 'node:fs';
import { relative, sep } from 'node:path';
import { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { searchContent } from './content-search.js';
import { applyEdits, EditFailed, unifiedDiff } from './edit.js';
import { PathRefused, type PathGuard } from './path-guard.js';
import { readBytes, readForModel, type ReadContent } from './read.js';
import { globToRegExp, walk } from './walk.js';
import { writeAtomic } from './write.js';

export interface FilesToolOptions {
  guard: PathGuard;
  /** Path of `rg`, or undefined for the JS search. */
  ripgrep: string | undefined;
}

const READ = { readOnlyHint: true, openWorldHint: false } as const;
const PATH = z.string().min(1).describe('a path inside a root: absolute, relative to the first root, or ~/…');
const IGNORE = z.array(z.string()).default([]).describe('extra glob patterns to leave out, e.g. ["node_modules", "*.log"]');

type Result = { content: ReadContent[]; isError?: boolean; structuredContent?: Record<string, unknown> };

async function run(body: () => Promise<Result | string>): Promise<Result> {
  try {
    const out = await body();
    return typeof out === 'string' ? { content: [{ type: 'text', text: out }] } : out;
  } catch (error) {
    const known = error instanceof PathRefused || error instanceof EditFailed;
    const code = (error as NodeJS.ErrnoException).code;
    const message = known ? error.message : code === 'ENOENT' ? `not found: ${(error as NodeJS.ErrnoException).path ?? ''}` : error instanceof Error ? error.message : String(error);
    return { content: [{ type: 'text', text: known ? `refused: ${message}` : message }], isError: true };
  }
}

export function registerFilesTools(server: McpServer, options: FilesToolOptions): void {
  const { guard } = options;
  const show = (p: string) => {
    const root = guard.roots().find((r) => p === r || p.startsWith(r + sep));
    return root && guard.roots().length === 1 ? relative(root, p) || '.' : p;
  };

  server.registerTool('list_roots', { title: 'List roots', description: 'The directories this server may read and write (from --root and the client\'s roots).', inputSchema: z.object({}), annotations: READ }, async () =>
    run(async () => ({ content: [{ type: 'text', text: guard.roots().join('\n') || '(no roots)' }], structuredContent: { roots: [...guard.roots()] } })),
  );

  server.registerTool(
    'read_file',
    {
      title: 'Read file',
      description: 'Read a text file with line numbers, paged by lines (offset is the first line, 1-based); images come back as images and PDFs as an embedded resource.',
      inputSchema: z.object({ path: PATH, offset: z.number().int().min(1).default(1), limit: z.number().int().min(1).default(2000).describe('lines'), lineNumbers: z.boolean().default(true) }),
      annotations: READ,
    },
    async ({ path, offset, limit, lineNumbers }) => run(async () => ({ content: await readForModel(guard, await guard.check(path, 'read'), offset, limit, lineNumbers) })),
  );

  server.registerTool(
    'read_files',
    {
      title: 'Read several files',
      description: 'Read several text files at once (each paged like read_file); one failing file does not fail the others.',
      inputSchema: z.object({ paths: z.array(PATH).min(1).max(50), limit: z.number().int().min(1).default(2000) }),
      annotations: READ,
    },
    async ({ paths, limit }) =>
      run(async () => {
        const parts = await Promise.all(
          paths.map(async (p) => {
            const r = await run(async () => ({ content: await readForModel(guard, await guard.check(p, 'read'), 1, limit, true) }));
            return r.content.map((c) => (c.type === 'text' ? { ...c, text: `== ${p}${r.isError ? ' (error)' : ''}\n${c.text}` } : c));
          }),
        );
        return { content: parts.flat() };
      }),
  );

  server.registerTool(
    'write_file',
    {
      title: 'Write file',
      description: 'Create a file or replace it whole, atomically (missing parent directories are created). For a change inside a file use edit_file.',
      inputSchema: z.object({ path: PATH, content: z.string(), encoding: z.enum(['utf8', 'base64']).default('utf8') }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ path, content, encoding }) =>
      run(async () => {
        const target = await guard.check(path, 'write');
        const { created } = await writeAtomic(guard, target, encoding === 'base64' ? Buffer.from(content, 'base64') : content);
        return `${created ? 'created' : 'replaced'} ${show(target)}`;
      }),
  );

  server.registerTool(
    'edit_file',
    {
      title: 'Edit file',
      description:
        'Find and replace in a text file. Each oldText must occur exactly expectedCount times (default 1); if it does not occur exactly, a match ignoring whitespace is used when it is unique, keeping the file\'s indentation. Returns a unified diff; dryRun shows it without writing.',
      inputSchema: z.object({
        path: PATH,
        edits: z.array(z.object({ oldText: z.string(), newText: z.string(), expectedCount: z.number().int().min(1).optional() })).min(1),
        dryRun: z.boolean().default(false),
      }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async ({ path, edits, dryRun }) =>
      run(async () => {
        const target = await guard.check(path, 'write');
        const before = (await readBytes(guard, target, 64 * 1024 * 1024)).toString('utf8');
        const { text, matches } = applyEdits(before, edits);
        const diff = unifiedDiff(show(target), before, text);
        if (!dryRun && text !== before) await writeAtomic(guard, target, text);
        const how = matches.includes('whitespace') ? ' (matched ignoring whitespace)' : '';
        return { content: [{ type: 'text', text: `${dryRun ? 'dry run, not written' : 'edited'}${how}\n${diff || '(no change)\n'}` }], structuredContent: { diff, written: !dryRun && text !== before, matches } };
      }),
  );

  server.registerTool(
    'list_directory',
    { title: 'List directory', description: 'The entries of one directory: [DIR] or [FILE] with size.', inputSchema: z.object({ path: PATH }), annotations: READ },
    async ({ path }) =>
      run(async () => {
        const dir = await guard.check(path, 'read');
        const lines: string[] = [];
        for await (const e of walk(dir, { maxDepth: 1, gitignore: false, visible: guard.visible })) {
          const size = e.type === 'file' ? ` ${(await fs.stat(e.path).catch(() => ({ size: 0 }))).size}` : '';
          lines.push(`${e.type === 'directory' ? '[DIR]' : e.type === 'symlink' ? '[LINK]' : '[FILE]'} ${e.rel}${size}`);
        }
        return lines.join('\n') || '(empty)';
      }),
  );

  server.registerTool(
    'directory_tree',
    {
      title: 'Directory tree',
      description: 'The tree under a directory, indented, leaving out .git, what .gitignore files ignore and the ignore patterns.',
      inputSchema: z.object({ path: PATH, depth: z.number().int().min(1).max(20).default(3), ignore: IGNORE, gitignore: z.boolean().default(true), limit: z.number().int().min(1).max(10000).default(1000) }),
      annotations: READ,
    },
    async ({ path, depth, ignore, gitignore, limit }) =>
      run(async () => {
        const dir = await guard.check(path, 'read');
        const lines: string[] = [];
        for await (const e of walk(dir, { maxDepth: depth, ignore, gitignore, visible: guard.visible })) {
          if (lines.length >= limit) {
            lines.push(`… (more than ${limit} entries; narrow the path or lower depth)`);
            break;
          }
          lines.push(`${'  '.repeat(e.depth - 1)}${e.rel.split('/').at(-1)}${e.type === 'directory' ? '/' : ''}`);
        }
        return lines.join('\n') || '(empty)';
      }),
  );

  server.registerTool(
    'search_files',
    {
      title: 'Search files by name',
      description: 'Files and directories whose path (relative to `path`) matches a glob such as "**/*.ts" or "*.md"; paged with offset and limit.',
      inputSchema: z.object({ path: PATH, pattern: z.string().min(1), ignore: IGNORE, offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(5000).default(200) }),
      annotations: READ,
    },
    async ({ path, pattern, ignore, offset, limit }) =>
      run(async () => {
        const dir = await guard.check(path, 'read');
        const re = globToRegExp(pattern.includes('/') ? pattern : `**/${pattern}`);
        const found: string[] = [];
        for await (const e of walk(dir, { ignore, visible: guard.visible })) {
          if (!re.test(e.rel)) continue;
          found.push(e.rel);
          if (found.length > offset + limit) break;
        }
        const page = found.slice(offset, offset + limit);
        const more = found.length > offset + limit;
        return `${page.join('\n') || '(no match)'}${more ? `\n… more: continue with offset ${offset + limit}` : ''}`;
      }),
  );

  server.registerTool(
    'search_content',
    {
      title: 'Search file contents',
      description: 'Lines matching a regular expression (or literal text) in the files under `path`, with context lines; honours .gitignore; paged with offset and limit.',
      inputSchema: z.object({
        path: PATH,
        pattern: z.string().min(1),
        literal: z.boolean().default(false),
        caseSensitive: z.boolean().default(true),
        glob: z.string().optional().describe('only files matching this glob, e.g. "*.ts"'),
        ignore: IGNORE,
        context: z.number().int().min(0).max(10).default(2),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(50),
      }),
      annotations: READ,
    },
    async (q) =>
      run(async () => {
        const dir = await guard.check(q.path, 'read');
        if (!q.literal) {
          try {
            new RegExp(q.pattern);
          } catch (e) {
            throw new EditFailed(`pattern is not a valid regular expression (${(e as Error).message}); set literal: true to search for the text as is`);
          }
        }
        const result = await searchContent({ ...q, dir, visible: guard.visible }, options.ripgrep);
        const blocks = result.matches.map((m) => {
          const lines = [...m.before.map((t, i) => `${m.line - m.before.length + i}-${t}`), `${m.line}:${m.text}`, ...m.after.map((t, i) => `${m.line + 1 + i}-${t}`)];
          return `${show(m.path)}\n${lines.join('\n')}`;
        });
        const tail = result.more ? `\n… more: continue with offset ${q.offset + q.limit}` : '';
        return { content: [{ type: 'text', text: (blocks.join('\n--\n') || '(no match)') + tail }], structuredContent: { engine: result.engine, more: result.more, matches: result.matches.map((m) => ({ ...m, path: show(m.path) })) } };
      }),
  );

  server.registerTool(
    'move_file',
    {
      title: 'Move or rename',
      description: 'Move or rename a file or directory inside the roots. An existing destination is replaced only with overwrite: true.',
      inputSchema: z.object({ source: PATH, destination: PATH, overwrite: z.boolean().default(false) }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async ({ source, destination, overwrite }) =>
      run(async () => {
        const from = await guard.check(source, 'write');
        const to = await guard.check(destination, 'write');
        await fs.lstat(from);
        if (!overwrite && (await fs.lstat(to).catch(() => undefined))) throw new PathRefused(`${show(to)} exists; pass overwrite: true to replace it`);
        await fs.rename(from, to);
        return `moved ${show(from)} → ${show(to)}`;
      }),
  );

  server.registerTool('file_info', { title: 'File info', description: 'Type, size, times and permissions of a path (a symlink is described, not followed).', inputSchema: z.object({ path: PATH }), annotations: READ }, async ({ path }) =>
    run(async () => {
      const target = await guard.check(path, 'read');
      const s = await fs.lstat(target);
      const info = {
        path: target,
        type: s.isDirectory() ? 'directory' : s.isFile() ? 'file' : s.isSymbolicLink() ? 'symlink' : 'other',
        size: s.size,
        modified: s.mtime.toISOString(),
        created: s.birthtime.toISOString(),
        permissions: (s.mode & 0o777).toString(8),
      };
      return { content: [{ type: 'text', text: Object.entries(info).map(([k, v]) => `${k}: ${v}`).join('\n') }], structuredContent: info };
    }),
  );
}
