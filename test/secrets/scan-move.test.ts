/**
 * `patchbay scan --secrets` and `patchbay secrets move` on fixtures of every file type Patchbay
 * reads (Claude Code's user, local and project scopes, Claude Desktop, Cursor, VS Code,
 * Patchbay's config.json), with a planted secret of every rule: each is found where it is, a
 * literal in the committed .mcp.json is an error and elsewhere a warning, no output quotes a
 * value; moving rewrites only that value (every other byte of the file stays), backs the file
 * up, and the moved entry still starts its server.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../cli-mcp/sandbox.js';
import { runCli } from '../helpers/cli.js';
import { PLANTED } from './planted.js';

const SERVER = fileURLToPath(new URL('../fixtures/secrets/secret-server.mjs', import.meta.url));
const RUNNER_KEY = 'Zq4-runner-Lm8vTw2';
const NAMED = 'Pv7-named-Rt9xQm3';

interface Layout {
  sandbox: Sandbox;
  files: Record<'claudeJson' | 'mcpJson' | 'desktop' | 'cursor' | 'cursorProject' | 'vscode' | 'vscodeUser' | 'patchbay', string>;
  cli: (args: string[], input?: string) => ReturnType<typeof runCli>;
}

function setup(): Layout {
  const sandbox = createSandbox();
  const { home, project } = sandbox;
  const stdio = (env: Record<string, string>) => ({ command: process.execPath, args: [SERVER], env });
  const files = {
    claudeJson: sandbox.claudeJson,
    mcpJson: sandbox.mcpJson,
    desktop: sandbox.desktopConfig,
    cursor: join(home, '.cursor', 'mcp.json'),
    cursorProject: join(project, '.cursor', 'mcp.json'),
    vscode: join(project, '.vscode', 'mcp.json'),
    vscodeUser: join(home, '.config', 'Code', 'User', 'mcp.json'),
    patchbay: join(home, '.config', 'patchbay', 'config.json'),
  };
  // Hand-written text with things JSON.stringify would change: a big integer, 1.0, escapes.
  sandbox.write(
    files.claudeJson,
    `{\n  "numStartups": 12345678901234567890,\n  "ratio": 1.0,\n  "motd": "caf\\u00e9 \\/ ok",\n  "mcpServers": {\n    "gh": ${JSON.stringify(stdio({ GITHUB_TOKEN: PLANTED.github!.value, MODE: 'fast' }))},\n    "runner": ${JSON.stringify(stdio({ API_KEY: RUNNER_KEY, REQUIRE_ENV: `API_KEY=${RUNNER_KEY}` }))},\n    "named": ${JSON.stringify(stdio({ DB_PASSWORD: NAMED }))}\n  },\n  "projects": {\n    ${JSON.stringify(project)}: {\n      "allowedTools": [],\n      "mcpServers": { "ai": ${JSON.stringify(stdio({ ANTHROPIC_API_KEY: PLANTED.anthropic!.value }))} }\n    }\n  }\n}\n`,
  );
  sandbox.write(files.mcpJson, {
    mcpServers: {
      team: stdio({ SLACK_BOT_TOKEN: PLANTED.slack!.value, OPENAI_API_KEY: PLANTED.openai!.value }),
      remote: { type: 'http', url: `https://deploybot:${PLANTED.basicauth!.value}@git.acmecorp.io/mcp`, headers: { Authorization: `Bearer ${PLANTED.linear!.value}` } },
    },
  });
  sandbox.write(files.desktop, { mcpServers: { desk: stdio({ NPM_TOKEN: PLANTED.npm!.value, AWS_SECRET_ACCESS_KEY: PLANTED.aws!.value }) } });
  sandbox.write(files.cursor, { mcpServers: { cur: stdio({ SENDGRID_API_KEY: PLANTED.sendgrid!.value, GOOGLE_API_KEY: PLANTED['api-key-prefix']!.value }) } });
  sandbox.write(files.cursorProject, { mcpServers: { curp: stdio({ SHOPIFY_TOKEN: PLANTED.shopify!.value }) } });
  sandbox.write(files.vscode, { servers: { vs: { type: 'stdio', ...stdio({ OP_SERVICE_ACCOUNT_TOKEN: PLANTED['1password']!.value }) } } });
  sandbox.write(files.vscodeUser, { servers: { vsu: { type: 'stdio', ...stdio({ DATABASE_URL: PLANTED['database-connection-string']!.text }) } } });
  sandbox.write(files.patchbay, { servers: { gh: { notes: PLANTED.privatekey!.value } } });
  // A real repository in which .mcp.json is committed (tracked by git); .vscode/ is not.
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: project, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.mcp.json');
  git('commit', '-qm', 'servers');
  const cli = (args: string[], input?: string) => runCli(args, { cwd: project, env: sandbox.env, input, timeoutMs: 60_000 });
  return { sandbox, files, cli };
}

const EVERY_VALUE = [...Object.values(PLANTED).map((p) => p.value), RUNNER_KEY, NAMED];

function expectNoValue(text: string): void {
  for (const value of EVERY_VALUE) expect(text).not.toContain(value);
}

interface Finding { file: string; server?: string; field?: string; ruleId: string; severity: string; line: number; movable: boolean }

describe('patchbay scan --secrets', () => {
  it('finds a planted secret of every rule in every file type, errors only in the committed file', async () => {
    const { files, cli } = setup();
    const result = await cli(['scan', '--secrets', '--json']);
    expect(result.code).toBe(1);
    expectNoValue(result.stdout + result.stderr);
    const findings = (JSON.parse(result.stdout) as { findings: Finding[] }).findings;
    const got = findings.map((f) => `${f.file}|${f.server ?? ''}|${f.field ?? ''}|${f.ruleId}|${f.severity}`).sort();
    const w = 'warning';
    expect(got).toEqual(
      [
        `${files.claudeJson}|gh|env.GITHUB_TOKEN|github|${w}`,
        `${files.claudeJson}|runner|env.API_KEY|secret-name|${w}`,
        `${files.claudeJson}|named|env.DB_PASSWORD|secret-name|${w}`,
        `${files.claudeJson}|ai|env.ANTHROPIC_API_KEY|anthropic|${w}`,
        `${files.mcpJson}|team|env.SLACK_BOT_TOKEN|slack|error`,
        `${files.mcpJson}|team|env.OPENAI_API_KEY|openai|error`,
        `${files.mcpJson}|remote|url|basicauth|error`,
        `${files.mcpJson}|remote|headers.Authorization|linear|error`,
        `${files.desktop}|desk|env.NPM_TOKEN|npm|${w}`,
        `${files.desktop}|desk|env.AWS_SECRET_ACCESS_KEY|aws|${w}`,
        `${files.cursor}|cur|env.SENDGRID_API_KEY|sendgrid|${w}`,
        `${files.cursor}|cur|env.GOOGLE_API_KEY|secret-name|${w}`,
        `${files.cursorProject}|curp|env.SHOPIFY_TOKEN|shopify|${w}`,
        `${files.vscode}|vs|env.OP_SERVICE_ACCOUNT_TOKEN|1password|${w}`,
        `${files.vscodeUser}|vsu|env.DATABASE_URL|database-connection-string|${w}`,
        `${files.patchbay}|||privatekey|${w}`,
      ].sort(),
    );
    // Line numbers point at the value.
    const gh = findings.find((f) => f.server === 'gh')!;
    expect(readFileSync(files.claudeJson, 'utf8').split('\n')[gh.line - 1]).toContain('"gh"');

    const text = await cli(['scan', '--secrets']);
    expect(text.stdout).toContain(`${files.mcpJson}:`);
    expect(text.stdout).toMatch(/error: literal secret \(slack\) in server "team" env\.SLACK_BOT_TOKEN — the file is committed to git/);
    expect(text.stdout).toContain('patchbay secrets move --all');
    expectNoValue(text.stdout + text.stderr);
  });
});

describe('patchbay secrets move', () => {
  it('moves one value, changing only that value in the file, after a private backup', async () => {
    const { sandbox, files, cli } = setup();
    const before = readFileSync(files.claudeJson, 'utf8');
    const result = await cli(['secrets', 'move', 'gh.GITHUB_TOKEN']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Moved gh.env.GITHUB_TOKEN');
    expectNoValue(result.stdout + result.stderr);
    const after = readFileSync(files.claudeJson, 'utf8');
    expect(after).toBe(before.replace(JSON.stringify(PLANTED.github!.value), '"${secret:GITHUB_TOKEN}"'));
    expect((await cli(['secrets', 'get', 'GITHUB_TOKEN', '--show'])).stdout).toBe(`${PLANTED.github!.value}\n`);
    const backups = readdirSync(sandbox.backups).filter((n) => n.includes('before-secrets-move'));
    expect(backups).toHaveLength(1);
    const backup = join(sandbox.backups, backups[0]!);
    expect(readFileSync(backup, 'utf8')).toBe(before);
    if (process.platform !== 'win32') expect(statSync(backup).mode & 0o777).toBe(0o600);
  });

  it('--all moves every whole env and header value, keeps every other byte, and the servers still start', async () => {
    const { files, cli, sandbox } = setup();
    const originals = Object.fromEntries(Object.values(files).map((f) => [f, readFileSync(f, 'utf8')]));
    const result = await cli(['secrets', 'move', '--all']);
    expect(result.code, result.stderr).toBe(0);
    expectNoValue(result.stdout + result.stderr);
    expect(result.stdout).toContain('Rotate that secret at its provider');
    expect(result.stdout).toMatch(/Not moved \(edit by hand\): .*\.mcp\.json:\d+ server "remote" url \(basicauth\)/);
    // Each file differs from its original exactly at the moved values.
    const moves: [string, string, string][] = [
      [files.claudeJson, PLANTED.github!.value, '${secret:GITHUB_TOKEN}'],
      [files.claudeJson, RUNNER_KEY, '${secret:API_KEY}'],
      [files.claudeJson, NAMED, '${secret:DB_PASSWORD}'],
      [files.claudeJson, PLANTED.anthropic!.value, '${secret:ANTHROPIC_API_KEY}'],
      [files.mcpJson, PLANTED.slack!.value, '${secret:SLACK_BOT_TOKEN}'],
      [files.mcpJson, PLANTED.openai!.value, '${secret:OPENAI_API_KEY}'],
      [files.mcpJson, `Bearer ${PLANTED.linear!.value}`, 'Bearer ${secret:REMOTE_AUTHORIZATION}'],
      [files.desktop, PLANTED.npm!.value, '${secret:NPM_TOKEN}'],
      [files.desktop, PLANTED.aws!.value, '${secret:AWS_SECRET_ACCESS_KEY}'],
      [files.vscodeUser, PLANTED['database-connection-string']!.text, '${secret:DATABASE_URL}'],
    ];
    for (const file of [files.claudeJson, files.mcpJson, files.desktop, files.vscodeUser]) {
      let expected = originals[file]!;
      for (const [f, literal, reference] of moves) if (f === file) expected = expected.replace(JSON.stringify(literal).slice(1, -1), reference);
      expect(readFileSync(file, 'utf8'), file).toBe(expected);
    }
    expect(readFileSync(files.patchbay, 'utf8')).toBe(originals[files.patchbay]);
    // The moved entry still starts its server, which exits unless API_KEY arrives intact.
    const list = JSON.parse((await sandbox.run(['list', '--json'])).stdout) as { name: string; status: string; env?: Record<string, string> }[];
    const runner = list.find((s) => s.name === 'runner')!;
    expect(runner.status).toBe('connected');
    expect(runner.env?.API_KEY).toBe('${secret:API_KEY}');
    // Nothing is left to move in the files Patchbay owns the reading of.
    const rescan = JSON.parse((await cli(['scan', '--secrets', '--json'])).stdout) as { findings: Finding[] };
    expect(rescan.findings.filter((f) => f.movable && f.field?.startsWith('env.') && f.field !== 'env.REQUIRE_ENV')).toEqual([]);
  });

  it('says what to do when the target does not exist or is already a reference', async () => {
    const { cli } = setup();
    const missing = await cli(['secrets', 'move', 'nope.TOKEN']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no server "nope" with an env variable or header "TOKEN"');
    await cli(['secrets', 'move', 'gh.GITHUB_TOKEN']);
    const again = await cli(['secrets', 'move', 'gh.GITHUB_TOKEN']);
    expect(again.stderr).toContain('is already a reference');
  });
});
