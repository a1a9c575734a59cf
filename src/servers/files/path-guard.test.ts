import { constants, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPathGuard, normalisePath, PathRefused } from './path-guard.js';

describe('normalisePath', () => {
  it('decodes, expands ~, turns Windows separators into / and collapses ..', () => {
    expect(normalisePath('%2e%2e%2fetc', '/r/a', '/home/u')).toBe('/r/etc');
    expect(normalisePath('~/.ssh/id_rsa', '/r', '/home/u')).toBe('/home/u/.ssh/id_rsa');
    expect(normalisePath('..\\..\\etc\\passwd', '/r/a', '/home/u')).toBe('/etc/passwd');
    expect(normalisePath('file:///tmp/x%20y', '/r', '/h')).toBe('/tmp/x y');
    expect(() => normalisePath('a\0b', '/r', '/h')).toThrow(PathRefused);
    expect(() => normalisePath('%E0%A4%A', '/r', '/h')).toThrow(/broken percent-encoding/);
  });
});

describe('a path that becomes a symlink between check and use', () => {
  it('is refused at open, for reading and for writing through a swapped directory', async () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), 'guard-')));
    const root = join(base, 'root');
    mkdirSync(join(root, 'dir'), { recursive: true });
    writeFileSync(join(root, 'file.txt'), 'inside');
    mkdirSync(join(base, 'outside'));
    writeFileSync(join(base, 'outside', 'file.txt'), 'outside');
    const guard = createPathGuard([root]);
    await guard.ready;

    const checked = await guard.check('file.txt', 'read');
    // The swap, after the check and before the use.
    rmSync(checked);
    symlinkSync(join(base, 'outside', 'file.txt'), checked);
    await expect(guard.openChecked(checked, constants.O_RDONLY)).rejects.toThrow(/became a symbolic link after it was checked/);

    const inDir = await guard.check('dir/new.txt', 'write');
    rmSync(join(root, 'dir'), { recursive: true });
    symlinkSync(join(base, 'outside'), join(root, 'dir'));
    await expect(guard.openChecked(inDir, constants.O_WRONLY | constants.O_CREAT)).rejects.toThrow(/now leads to .*outside the roots/);
  });
});
