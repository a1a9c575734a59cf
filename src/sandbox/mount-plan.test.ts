import { existsSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planMounts, type Mount } from './mount-plan.js';
import type { ProtectedPath } from './protected-paths.js';

function tree(): { root: string; home: string; project: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'patchbay-plan-')));
  const home = join(root, 'home');
  const project = join(root, 'project');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  writeFileSync(join(home, '.ssh', 'id_rsa'), 'key');
  writeFileSync(join(home, '.netrc'), 'machine x password y');
  mkdirSync(join(project, '.git'), { recursive: true });
  writeFileSync(join(project, '.git', 'config'), '[core]');
  return { root, home, project };
}

const index = (mounts: Mount[], kind: Mount['kind'], path: string) => mounts.findIndex((m) => m.kind === kind && m.path === path);

describe('sandbox mount plan', () => {
  it('binds the project writable, pins .git, and binds hooks and config read-only over it', () => {
    const { home, project } = tree();
    const plan = planMounts({ write: [project], protect: [], projectDir: project });
    const { mounts } = plan;
    expect(index(mounts, 'bind', project)).toBe(0);
    const pin = index(mounts, 'bind', join(project, '.git'));
    expect(pin).toBeGreaterThan(0);
    expect(index(mounts, 'ro-bind', join(project, '.git', 'hooks'))).toBeGreaterThan(pin);
    expect(index(mounts, 'ro-bind', join(project, '.git', 'config'))).toBeGreaterThan(pin);
    // Absent, but how a server would get code run outside: created empty so they can be protected.
    expect(plan.created.sort()).toEqual([join(project, '.claude'), join(project, '.git', 'hooks')].sort());
    expect(existsSync(join(project, '.claude'))).toBe(true);
    expect(index(mounts, 'ro-bind', join(project, '.claude'))).toBeGreaterThan(0);
    expect(mounts.some((m) => m.path.startsWith(home))).toBe(false);
  });

  it('hides credentials outside the writable paths, and makes them read-only only after late binds', () => {
    const { home, project, root } = tree();
    const state = join(root, 'data', 'sandbox', 'srv');
    mkdirSync(state, { recursive: true });
    const protect: ProtectedPath[] = [
      { path: join(home, '.ssh'), reason: 'credentials', hidden: true },
      { path: join(home, '.netrc'), reason: 'credentials', hidden: true },
      { path: join(home, '.aws'), reason: 'credentials', hidden: true },
      { path: join(root, 'data'), reason: 'patchbay', hidden: true },
      { path: join(home, '.bashrc'), reason: 'runs-code', hidden: false },
    ];
    const { mounts } = planMounts({ write: [project], protect, late: [state], projectDir: project });
    expect(index(mounts, 'tmpfs', join(home, '.ssh'))).toBeGreaterThan(0);
    expect(index(mounts, 'hide-file', join(home, '.netrc'))).toBeGreaterThan(0);
    expect(mounts.some((m) => m.path === join(home, '.aws'))).toBe(false); // absent: nothing to hide
    expect(mounts.some((m) => m.path === join(home, '.bashrc'))).toBe(false); // outside: read-only anyway
    const late = index(mounts, 'bind', state);
    expect(late).toBeGreaterThan(index(mounts, 'tmpfs', join(root, 'data')));
    expect(index(mounts, 'remount-ro', join(root, 'data'))).toBeGreaterThan(late);
  });

  it('pins every directory between a writable home and a protected path, so none can be renamed away', () => {
    const { home } = tree();
    mkdirSync(join(home, '.config', 'gcloud'), { recursive: true });
    const protect: ProtectedPath[] = [{ path: join(home, '.config', 'gcloud'), reason: 'credentials', hidden: true }];
    const { mounts } = planMounts({ write: [home], protect });
    const pin = index(mounts, 'bind', join(home, '.config'));
    expect(pin).toBeGreaterThan(0);
    expect(index(mounts, 'tmpfs', join(home, '.config', 'gcloud'))).toBeGreaterThan(pin);
  });

  it('finds nested repositories and project files, but not inside node_modules', () => {
    const { project } = tree();
    mkdirSync(join(project, 'packages', 'a', '.git', 'hooks'), { recursive: true });
    writeFileSync(join(project, 'packages', 'a', '.mcp.json'), '{}');
    mkdirSync(join(project, 'node_modules', 'x', '.git', 'hooks'), { recursive: true });
    const { mounts } = planMounts({ write: [project], protect: [], projectDir: project });
    expect(index(mounts, 'ro-bind', join(project, 'packages', 'a', '.git', 'hooks'))).toBeGreaterThan(0);
    expect(index(mounts, 'ro-bind', join(project, 'packages', 'a', '.mcp.json'))).toBeGreaterThan(0);
    expect(index(mounts, 'bind', join(project, 'packages'))).toBeGreaterThan(0); // pinned
    expect(mounts.some((m) => m.path.includes('node_modules'))).toBe(false);
  });

  it('refuses a protected name that is a symlink inside a writable path', () => {
    const { project, root } = tree();
    mkdirSync(join(root, 'shared-claude'));
    symlinkSync(join(root, 'shared-claude'), join(project, '.claude'));
    expect(() => planMounts({ write: [project], protect: [], projectDir: project })).toThrow(/\.claude is a symlink inside the writable path/);
  });

  it('hides a symlinked credential directory where it points', () => {
    const { home, root } = tree();
    mkdirSync(join(root, 'vault', 'aws'), { recursive: true });
    symlinkSync(join(root, 'vault', 'aws'), join(home, '.aws'));
    const { mounts } = planMounts({ write: [], protect: [{ path: join(home, '.aws'), reason: 'credentials', hidden: true }] });
    expect(index(mounts, 'tmpfs', join(root, 'vault', 'aws'))).toBe(0);
  });
});
