/**
 * Issue 11 point 7: stdio servers added by Patchbay's own commands run sandboxed by default
 * (project writable, no network), while the host file still gets exactly what `claude mcp add`
 * writes: the setting lives in config.json's `servers` overlay, keyed to that one entry. Entries
 * that were there before are left alone, and `doctor` gives the command that confines them.
 * (That the hub really starts such a server under bwrap: test/sandbox/default.e2e.test.ts.)
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs helpers shared with the recorder script
import { EXAMPLES } from './fixtures/claude-code/examples.mjs';
import recorded from './fixtures/claude-code/recorded.json' with { type: 'json' };
import { createSandbox, TINY_SERVER, type Sandbox } from './sandbox.js';
import { PATCHBAY_BIN } from '../helpers/cli.js';

const configJson = (s: Sandbox) => join(s.home, '.config', 'patchbay', 'config.json');
const overlay = (s: Sandbox): Record<string, unknown> => (existsSync(configJson(s)) ? ((s.read(configJson(s)) as any).servers ?? {}) : {});
const local = (s: Sandbox, project = s.project) => (s.read(s.claudeJson) as any).projects[project].mcpServers;
const examples = EXAMPLES as { id: string; argv: string[] }[];
const record = recorded.examples as Record<string, { local?: unknown }>;

describe('mcp add: the sandbox default, kept out of the host file', () => {
  for (const id of ['stdio-two-env', 'help-stdio-flags', 'json-stdio']) {
    it(`${id}: the host entry is what Claude Code writes; config.json holds the sandbox for that entry`, async () => {
      const s = createSandbox();
      const argv = examples.find((e) => e.id === id)!.argv;
      const result = await s.run(argv.slice(1));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(local(s)).toEqual(record[id]!.local);
      const name = Object.keys(record[id]!.local as object)[0]!;
      expect(overlay(s)).toEqual({ [`${name}@local:${s.project}`]: { sandbox: true } });
      expect(result.stdout).toMatch(new RegExp(`Sandbox: when Patchbay runs "${name}", the project directory is the only place it can write, and it has no network \\(--allow-host HOST .*--no-sandbox to opt out`));
      // Claude Code runs its own scopes' servers itself: the note says so rather than promise a sandbox there.
      expect(result.stdout).toContain('Claude Code starts the servers in');
    });
  }

  it("Patchbay's own models server gets no sandbox: the hub runs it in-process, and the note says so", async () => {
    const s = createSandbox();
    const result = await s.run(['add', '-s', 'patchbay', 'models', '--', process.execPath, PATCHBAY_BIN, 'server', 'models', '--root', '.']);
    expect(result.code).toBe(0);
    expect(overlay(s)).toEqual({});
    expect(result.stdout).toContain('In-process: under `patchbay up` the hub runs "models" inside its own process');
    // Asked for, it is still a confined child.
    expect((await s.run(['add', '-s', 'patchbay', '--sandbox', 'boxed-models', '--', process.execPath, PATCHBAY_BIN, 'server', 'models'])).code).toBe(0);
    expect(overlay(s)).toEqual({ 'boxed-models@patchbay': { sandbox: true } });
  });

  it('-s project: a new .mcp.json is byte for byte what Claude Code writes, and stays so', async () => {
    const s = createSandbox();
    const result = await s.run(['add', '-s', 'project', 'weather', '--', 'npx', '-y', 'weather-mcp']);
    expect(result.code).toBe(0);
    expect(readFileSync(s.mcpJson, 'utf8')).toBe(JSON.stringify({ mcpServers: { weather: { type: 'stdio', command: 'npx', args: ['-y', 'weather-mcp'], env: {} } } }, null, 2));
    expect(overlay(s)).toEqual({ [`weather@project:${s.project}`]: { sandbox: true } });
    // npx downloads at its first start: no network means it cannot, and the note says what to allow.
    expect(result.stdout).toContain('npx downloads the server at its first start, which needs the network: run it again with --allow-host registry.npmjs.org');
  });

  it('--no-sandbox records "unconfined, on purpose"; --allow-host is recorded; mcp list shows both', async () => {
    const s = createSandbox();
    expect((await s.run(['add', '--no-sandbox', 'open', 'node', TINY_SERVER])).code).toBe(0);
    const allowed = await s.run(['add', '--allow-host', 'api.github.com', '--allow-host', '*.example.com', 'gh', 'node', TINY_SERVER]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('it can reach only api.github.com, *.example.com');
    expect((await s.run(['add', 'boxed', 'node', TINY_SERVER])).code).toBe(0);
    expect(local(s)).toEqual({
      open: { type: 'stdio', command: 'node', args: [TINY_SERVER], env: {} },
      gh: { type: 'stdio', command: 'node', args: [TINY_SERVER], env: {} },
      boxed: { type: 'stdio', command: 'node', args: [TINY_SERVER], env: {} },
    });
    expect(overlay(s)).toEqual({
      [`open@local:${s.project}`]: { sandbox: false },
      [`gh@local:${s.project}`]: { sandbox: { network: { allow: ['api.github.com', '*.example.com'] } } },
      [`boxed@local:${s.project}`]: { sandbox: true },
    });
    const listed = JSON.parse((await s.run(['list', '--json'])).stdout) as { name: string; sandboxed: boolean; status: string }[];
    expect(listed.map((l) => [l.name, l.sandboxed, l.status])).toEqual([['open', false, 'connected'], ['gh', true, 'connected'], ['boxed', true, 'connected']]);
    const text = (await s.run(['list'])).stdout;
    expect(text).toMatch(/^boxed: .* - ✔ Connected · sandboxed \(network: none\)$/m);
    expect(text).toMatch(/^gh: .* · sandboxed \(network: api\.github\.com, \*\.example\.com\)$/m);
    expect(text).toMatch(/^open: .* - ✔ Connected$/m);
  });

  it('add-json with --no-sandbox, and a JSON entry that says "sandbox" itself keeps its own choice', async () => {
    const s = createSandbox();
    expect((await s.run(['add-json', '--no-sandbox', 'a', '{"type":"stdio","command":"node","args":["a.js"]}'])).code).toBe(0);
    expect((await s.run(['add-json', 'b', '{"type":"stdio","command":"node","args":["b.js"],"patchbay":{"sandbox":{"network":{"allow":["api.github.com"]}}}}'])).code).toBe(0);
    expect(overlay(s)).toEqual({ [`a@local:${s.project}`]: { sandbox: false } });
  });

  it('remote servers get no sandbox; --allow-host on one is an error and nothing is written', async () => {
    const s = createSandbox();
    expect((await s.run(['add', '-t', 'http', 'notion', 'https://mcp.notion.com/mcp'])).code).toBe(0);
    expect(overlay(s)).toEqual({});
    const refused = await s.run(['add', '--allow-host', 'api.github.com', 'web', 'https://example.com/mcp']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--sandbox and --allow-host apply to stdio servers, but "web" is an http server');
    expect(Object.keys(local(s))).toEqual(['notion']);
  });

  it('bad input: a bad host, --allow-host with --no-sandbox, and a name that exists leave every file as it was', async () => {
    const s = createSandbox();
    const bad = await s.run(['add', '--allow-host', 'https://api.github.com/x', 'gh', 'node', 's.js']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--allow-host "https:\/\/api\.github\.com\/x" /);
    expect(existsSync(s.claudeJson)).toBe(false);
    const both = await s.run(['add', '--no-sandbox', '--allow-host', 'a.com', 'gh', 'node', 's.js']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--allow-host is for a sandboxed server, but --no-sandbox was given');
    expect((await s.run(['add', '--no-sandbox', 'gh', 'node', 's.js'])).code).toBe(0);
    const again = await s.run(['add', 'gh', 'node', 'other.js']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    // The refused add did not turn the existing entry's "off" into the default.
    expect(overlay(s)).toEqual({ [`gh@local:${s.project}`]: { sandbox: false } });
  });

  it('the setting belongs to that entry: another project\'s entry of the same name is left as it is; remove drops it', async () => {
    const s = createSandbox();
    const other = join(s.home, 'work', 'other');
    mkdirSync(other, { recursive: true });
    expect((await s.run(['add', '--no-sandbox', 'tiny', 'node', TINY_SERVER], { cwd: other })).code).toBe(0);
    s.write(configJson(s), {}); // as if that entry were older than the default
    expect((await s.run(['add', 'tiny', 'node', TINY_SERVER])).code).toBe(0);
    const here = JSON.parse((await s.run(['list', '--json'])).stdout);
    const there = JSON.parse((await s.run(['list', '--json'], { cwd: other })).stdout);
    expect(here).toEqual([expect.objectContaining({ name: 'tiny', sandboxed: true, status: 'connected' })]);
    expect(there).toEqual([expect.objectContaining({ name: 'tiny', sandboxed: false, status: 'connected' })]);
    expect((await s.run(['remove', 'tiny'])).code).toBe(0);
    expect(overlay(s)).toEqual({});
  });

  it('connect claude-code --import moves a user entry to Patchbay\'s scope with its sandbox', async () => {
    const s = createSandbox();
    expect((await s.run(['add', '-s', 'user', '--allow-host', 'api.github.com', 'tiny', 'node', TINY_SERVER])).code).toBe(0);
    const { runCli } = await import('../helpers/cli.js');
    const moved = await runCli(['connect', 'claude-code', '--import'], { cwd: s.project, env: s.env, timeoutMs: 60_000 });
    expect(moved.code, moved.stderr).toBe(0);
    expect(overlay(s)['tiny@patchbay']).toEqual({ sandbox: { network: { allow: ['api.github.com'] } } });
    const listed = JSON.parse((await s.run(['list', '--json'])).stdout) as { name: string; scope: string; sandboxed: boolean }[];
    expect(listed.find((l) => l.name === 'tiny')).toMatchObject({ scope: 'patchbay', sandboxed: true });
  });

  it('add-from-claude-desktop gives imported stdio servers the default, not its remote ones', async () => {
    const s = createSandbox();
    s.write(s.desktopConfig, { mcpServers: { fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] }, web: { type: 'http', url: 'https://example.com/mcp' } } });
    const result = await s.run(['add-from-claude-desktop', '--all']);
    expect(result.code).toBe(0);
    expect(local(s)).toEqual({ fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] }, web: { type: 'http', url: 'https://example.com/mcp' } });
    expect(overlay(s)).toEqual({ [`fs@local:${s.project}`]: { sandbox: true } });
    expect(result.stdout).toContain('Sandbox: when Patchbay runs "fs"');
  });

  it('where bubblewrap is missing the default is still written, and the note says the server will not start until it is installed', async () => {
    const s = createSandbox();
    const env = { PATCHBAY_BWRAP: '/nonexistent/patchbay-test/bwrap' };
    const result = await s.run(['add', 'tiny', 'node', TINY_SERVER], { env });
    expect(result.code).toBe(0);
    expect(overlay(s)).toEqual({ [`tiny@local:${s.project}`]: { sandbox: true } });
    expect(result.stdout).toContain('No sandbox can run here (bubblewrap (bwrap) is not installed at PATCHBAY_BWRAP=/nonexistent/patchbay-test/bwrap), so Patchbay will not start "tiny" until one can (never unconfined)');
    const listed = JSON.parse((await s.run(['list', '--json'], { env })).stdout);
    expect(listed).toEqual([expect.objectContaining({ name: 'tiny', sandboxed: true, status: 'failed', reason: expect.stringMatching(/not installed/) })]);
  });
});

describe('entries from before the default', () => {
  it('are left as they are; doctor suggests the exact command, which confines them without touching the host file', async () => {
    const s = createSandbox();
    const old = { type: 'stdio', command: 'node', args: [TINY_SERVER], env: {} };
    s.write(s.claudeJson, { mcpServers: { old } });
    expect((await s.run(['add', '-s', 'user', 'fresh', 'node', TINY_SERVER])).code).toBe(0);
    expect((s.read(s.claudeJson) as any).mcpServers.old).toEqual(old);
    expect(overlay(s)).toEqual({ 'fresh@user': { sandbox: true } });

    const doctor = await runDoctor(s);
    expect(doctor).toContain(`old runs unconfined, with your full rights: \`patchbay mcp sandbox old -s user\` confines it`);
    expect(doctor).not.toMatch(/fresh runs unconfined/);
    expect(doctor).toMatch(/✔ fresh .* · sandboxed \(network: none\)/);

    const on = await s.run(['sandbox', 'old', '-s', 'user']);
    expect(on.code).toBe(0);
    expect(on.stdout).toContain('Sandbox: when Patchbay runs "old", the project directory is the only place it can write, and it has no network');
    expect(overlay(s)).toEqual({ 'fresh@user': { sandbox: true }, 'old@user': { sandbox: true } });
    expect((s.read(s.claudeJson) as any).mcpServers.old).toEqual(old);
    expect(await runDoctor(s)).not.toMatch(/runs unconfined/);
  });
});

async function runDoctor(s: Sandbox): Promise<string> {
  const { runCli } = await import('../helpers/cli.js');
  const result = await runCli(['doctor'], { cwd: s.project, env: s.env, timeoutMs: 60_000 });
  return result.stdout;
}
