/**
 * `patchbay mcp add` writes exactly what `claude mcp add` writes (claude-code-config-files.md),
 * in every scope and for every transport, and leaves every other key of the file alone.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from './sandbox.js';

const cases: { transport: string; args: string[]; entry: unknown }[] = [
  {
    transport: 'stdio',
    args: ['-e', 'FOO=bar', 'srv', 'node', 'server.js', '--flag'],
    entry: { type: 'stdio', command: 'node', args: ['server.js', '--flag'], env: { FOO: 'bar' } },
  },
  {
    transport: 'http',
    args: ['-t', 'http', '-H', 'Authorization: Bearer ${TOKEN}', 'srv', 'https://example.com/mcp'],
    entry: { type: 'http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer ${TOKEN}' } },
  },
  {
    transport: 'sse',
    args: ['-t', 'sse', '-H', 'X-Api-Key: ${KEY}', 'srv', 'https://example.com/sse'],
    entry: { type: 'sse', url: 'https://example.com/sse', headers: { 'X-Api-Key': '${KEY}' } },
  },
  {
    transport: 'http+oauth',
    args: ['-t', 'http', '--client-id', 'my-client', '--callback-port', '8765', 'srv', 'https://example.com/mcp'],
    entry: { type: 'http', url: 'https://example.com/mcp', oauth: { clientId: 'my-client', callbackPort: 8765 } },
  },
];

const otherKeys = {
  numStartups: 42,
  theme: 'dark',
  mcpServers: { existing: { type: 'stdio', command: 'npx', args: ['-y', 'x'], env: {} } },
  projects: {
    '/somewhere/else': { allowedTools: ['Bash'], hasTrustDialogAccepted: true, mcpServers: {} },
  },
  tipsHistory: { a: 1 },
};

function fileOf(sandbox: Sandbox, scope: string): string {
  return scope === 'project' ? sandbox.mcpJson : sandbox.claudeJson;
}

function serversOf(sandbox: Sandbox, scope: string): Record<string, unknown> {
  const data = sandbox.read(fileOf(sandbox, scope)) as any;
  if (scope === 'local') return data.projects[sandbox.project].mcpServers;
  return data.mcpServers;
}

describe('patchbay mcp add writes the entry Claude Code writes', () => {
  for (const scope of ['local', 'project', 'user']) {
    for (const { transport, args, entry } of cases) {
      it(`${scope} scope, ${transport}`, async () => {
        const sandbox = createSandbox();
        sandbox.write(sandbox.claudeJson, otherKeys);
        const result = await sandbox.run(['add', '-s', scope, ...args]);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(serversOf(sandbox, scope).srv).toEqual(entry);
        const text = readFileSync(fileOf(sandbox, scope), 'utf8');
        // 2-space indentation, as JSON.stringify(data, null, 2) and Claude Code write it.
        expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
        const after = sandbox.read(sandbox.claudeJson) as any;
        // Every other key of ~/.claude.json is still there with the same value.
        for (const key of ['numStartups', 'theme', 'tipsHistory']) expect(after[key]).toEqual((otherKeys as any)[key]);
        expect(after.projects['/somewhere/else']).toEqual(otherKeys.projects['/somewhere/else']);
        expect(after.mcpServers.existing).toEqual(otherKeys.mcpServers.existing);
        if (scope !== 'user') expect(Object.keys(after.mcpServers)).toEqual(['existing']);
      });
    }
  }

  it('a stdio server without -e gets "env": {} and "args": []', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(['add', 'bare', 'my-server-binary']);
    expect(result.code).toBe(0);
    expect(serversOf(sandbox, 'local').bare).toEqual({ type: 'stdio', command: 'my-server-binary', args: [], env: {} });
  });

  it('refuses a name that exists in the same scope and changes nothing', async () => {
    const sandbox = createSandbox();
    expect((await sandbox.run(['add', 'dup', 'node', 'a.js'])).code).toBe(0);
    const before = readFileSync(sandbox.claudeJson, 'utf8');
    const again = await sandbox.run(['add', 'dup', 'node', 'b.js']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('"dup" already exists in local config');
    expect(again.stderr).not.toContain('    at ');
    expect(readFileSync(sandbox.claudeJson, 'utf8')).toBe(before);
  });

  it('stores --client-secret in Patchbay credentials (0600), never in the host file', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.run(['add', '-t', 'http', '--client-id', 'cid', '--client-secret=s3cr3t-value', 'oa', 'https://example.com/mcp']);
    expect(result.code).toBe(0);
    expect(readFileSync(sandbox.claudeJson, 'utf8')).not.toContain('s3cr3t-value');
    expect(result.stdout + result.stderr).not.toContain('s3cr3t-value');
    expect(sandbox.read(sandbox.credentials)).toEqual({ oauthClientSecrets: { oa: { 'https://example.com/mcp': 's3cr3t-value' } } });
    const { statSync } = await import('node:fs');
    expect(statSync(sandbox.credentials).mode & 0o777).toBe(0o600);
    // The bare flag takes the value from MCP_CLIENT_SECRET, as Claude Code does.
    const fromEnv = await sandbox.run(['add', '-s', 'user', '--client-secret', 'oa2', 'https://example.com/two'], { env: { MCP_CLIENT_SECRET: 'from-env-secret' } });
    expect(fromEnv.code).toBe(0);
    expect((sandbox.read(sandbox.credentials) as any).oauthClientSecrets.oa2).toEqual({ 'https://example.com/two': 'from-env-secret' });
    expect(readFileSync(sandbox.claudeJson, 'utf8')).not.toContain('from-env-secret');
  });

  it('add-json writes the given entry (streamable-http stored as http, unknown keys kept)', async () => {
    const sandbox = createSandbox();
    const json = JSON.stringify({ type: 'streamable-http', url: 'https://example.com/mcp', headers: { 'X-A': '1' }, custom: { keep: true } });
    const result = await sandbox.run(['add-json', '-s', 'project', 'j', json]);
    expect(result.code).toBe(0);
    expect((sandbox.read(sandbox.mcpJson) as any).mcpServers.j).toEqual({ type: 'http', url: 'https://example.com/mcp', headers: { 'X-A': '1' }, custom: { keep: true } });
    const bad = await sandbox.run(['add-json', 'k', '{"type":"stdio","args":["x"]}']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"command" is required');
    const broken = await sandbox.run(['add-json', 'k', '{"command": "x",}']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/<json>:1:17: trailing comma/);
  });

  it('a broken .mcp.json does not stop a user-scope add, and is never overwritten by a project-scope add', async () => {
    const sandbox = createSandbox();
    const broken = '{\n  "mcpServers": {\n    "a": {"command": "x"},\n  }\n}\n';
    sandbox.write(sandbox.mcpJson, broken);
    const user = await sandbox.run(['add', '-s', 'user', 'ok', 'node', 'ok.js']);
    expect(user.code).toBe(0);
    const project = await sandbox.run(['add', '-s', 'project', 'p', 'node', 'p.js']);
    expect(project.code).toBe(1);
    expect(project.stderr).toContain(`${sandbox.mcpJson}:4:3: trailing comma`);
    expect(project.stderr).toContain('Nothing was changed.');
    expect(project.stderr).not.toContain('    at ');
    expect(readFileSync(sandbox.mcpJson, 'utf8')).toBe(broken);
  });
});
