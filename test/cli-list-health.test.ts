/**
 * `patchbay mcp list` through the real CLI says *why* each broken server failed (Claude Code's
 * list only says "Failed to connect"), and `--check` turns failures into exit code 1.
 * Needs dist/ (npx tsc -p tsconfig.build.json).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../src/config/registry.js';
import { isPatchbayError } from '../src/errors.js';
import { runCli } from './helpers/cli.js';
import { fixture } from './probe/helpers.js';

const registryReady = await loadRegistry({ cwd: process.env.HOME }).then(
  () => true,
  (error: unknown) => !(isPatchbayError(error) && error.code === 'NOT_IMPLEMENTED'),
);

function workspace(servers: Record<string, unknown>) {
  const root = mkdtempSync(join(process.env.HOME!, 'list-'));
  const home = join(root, 'home');
  const project = join(root, 'project');
  mkdirSync(home, { recursive: true });
  mkdirSync(project, { recursive: true });
  writeFileSync(join(home, '.claude.json'), JSON.stringify({ mcpServers: servers }, null, 2));
  return { cwd: project, env: { HOME: home, USERPROFILE: home, XDG_CONFIG_HOME: join(home, '.config') }, timeoutMs: 60_000 };
}

describe('patchbay mcp list health', () => {
  it.skipIf(!registryReady)('says why each broken server failed, and --check exits 1', async () => {
    const ws = workspace({
      good: fixture('good-stdio'),
      crash: fixture('crash-at-start'),
      dep: fixture('missing-dep'),
      hang: fixture('hang'),
      nocmd: { type: 'stdio', command: 'patchbay-no-such-binary', args: [], env: {} },
      noisy: fixture('non-json-stdout'),
    });
    const list = await runCli(['mcp', 'list', '--timeout', '8000'], ws);
    // Like `claude mcp list`: failures are reported, not an error of the command itself.
    expect(list.code).toBe(0);
    const line = (name: string) => list.stdout.split('\n').find((l) => l.startsWith(`${name}: `)) ?? '';
    expect(line('good')).toMatch(/✔ Connected$/);
    expect(line('crash')).toContain('✘ Failed to connect: exited with code 3 before answering initialize');
    expect(list.stdout).toContain('stderr: Error: FIXTURE_API_KEY is not set; cannot start');
    expect(line('dep')).toContain('missing dependency "left-pad"');
    expect(line('hang')).toContain('no answer to initialize within 8000 ms');
    expect(line('nocmd')).toContain('command "patchbay-no-such-binary" was not found on PATH');
    expect(line('noisy')).toMatch(/✔ Connected$/);
    expect(list.stdout).toContain('prints non-JSON on stdout: "Terminate batch job (Y/N)?"');

    const check = await runCli(['mcp', 'list', '--check'], workspace({ good: fixture('good-stdio'), crash: fixture('crash-at-start') }));
    expect(check.stdout).toContain('crash: ');
    expect(check.code).toBe(1);
  });

  it.skipIf(!registryReady)('--check exits 0 when every server connects', async () => {
    const ws = workspace({ good: fixture('good-stdio') });
    const check = await runCli(['mcp', 'list', '--check'], ws);
    expect(check.stdout).toMatch(/good: .* - ✔ Connected/);
    expect(check.code).toBe(0);
  });
});
