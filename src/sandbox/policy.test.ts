import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSandboxPolicy } from './policy.js';
import { protectedPaths } from './protected-paths.js';

describe('sandbox policy', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'patchbay-policy-')));
  const home = join(root, 'home');
  const project = join(root, 'project');
  for (const dir of [join(home, '.ssh'), join(home, 'notes'), join(project, 'out')]) mkdirSync(dir, { recursive: true });
  const context = { projectDir: project, home, protect: protectedPaths({ ...process.env, HOME: home }), where: 'server "x"' };

  it('defaults to the project writable and no network', () => {
    expect(resolveSandboxPolicy({}, context)).toEqual({ write: [project], network: { kind: 'none' } });
  });

  it('expands <project>, ~ and relative paths, and parses the allow list', () => {
    const policy = resolveSandboxPolicy({ write: ['<project>/out', '~/notes', 'out'], network: { allow: ['api.github.com', '*.example.com'] } }, context);
    expect(policy.write).toEqual([join(project, 'out'), join(home, 'notes')]);
    expect(policy.network).toMatchObject({ kind: 'allow', rules: [{ host: 'api.github.com' }, { host: 'example.com', match: 'subdomains' }] });
  });

  it('refuses a path that does not exist, and a protected one, naming the server', () => {
    expect(() => resolveSandboxPolicy({ write: ['/no/such/dir'] }, context)).toThrow(/patchbay\.sandbox\.write: "\/no\/such\/dir" \(\/no\/such\/dir\) does not exist \(server "x"\)/);
    expect(() => resolveSandboxPolicy({ write: ['~/.ssh'] }, context)).toThrow(/"~\/\.ssh" cannot be writable: .*\.ssh holds credentials/);
    mkdirSync(join(project, '.git', 'hooks'), { recursive: true });
    expect(() => resolveSandboxPolicy({ write: ['.git/hooks'] }, context)).toThrow(/runs code later without asking/);
  });
});
