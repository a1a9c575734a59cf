import { describe, expect, it } from 'vitest';
import { isSecretName, redactArgs, redactEntry, redactKnownSecrets, redactUrl, redactValue } from '../../src/secrets/redact/index.js';

describe('redaction', () => {
  it('secret-looking names are hidden, others shown', () => {
    for (const name of ['API_KEY', 'GITHUB_TOKEN', 'client_secret', 'DB_PASSWORD', 'PASSWD', 'Authorization', 'Cookie', 'AWS_CREDENTIALS', 'PRIVATE_PEM', 'X-Auth-Thing']) {
      expect(isSecretName(name), name).toBe(true);
      expect(redactValue(name, 'hunter2')).toBe('***');
    }
    expect(redactValue('DEBUG', 'true')).toBe('true');
    expect(redactValue('LOG_LEVEL', 'info')).toBe('info');
  });

  it('a value that is only a ${VAR} reference is shown; a literal default is not', () => {
    expect(redactValue('API_KEY', '${API_KEY}')).toBe('${API_KEY}');
    expect(redactValue('Authorization', 'Bearer ${TOKEN}')).toBe('Bearer ${TOKEN}');
    expect(redactValue('API_KEY', '${API_KEY:-sk-live-123}')).toBe('${API_KEY:-***}');
    expect(redactValue('Authorization', 'Bearer abc${TOKEN}')).toBe('***');
  });

  it('values that look like well-known keys are hidden under any name', () => {
    expect(redactValue('FOO', 'sk-ant-api03-abcdef')).toBe('***');
    expect(redactValue('X', 'ghp_abcdefghijklmnop')).toBe('***');
  });

  it('credentials in URLs: user:pass@ and secret query parameters', () => {
    expect(redactUrl('https://bob:pa55@example.com/mcp')).toBe('https://bob:***@example.com/mcp');
    expect(redactUrl('https://example.com/sse?key=abc&region=eu&access_token=t&sig=s&api_key=k&token=z')).toBe(
      'https://example.com/sse?key=***&region=eu&access_token=***&sig=***&api_key=***&token=***',
    );
    expect(redactUrl('https://example.com/mcp?token=${MCP_TOKEN}')).toBe('https://example.com/mcp?token=${MCP_TOKEN}');
    expect(redactUrl('not a url ?token=x')).toBe('not a url ?token=x');
  });

  it('secrets in command-line arguments', () => {
    expect(redactArgs(['server.js', '--api-key=abc123', '--token', 'xyz', '--port', '80', '--token', '${T}', 'https://u:p@h/x'])).toEqual([
      'server.js', '--api-key=***', '--token', '***', '--port', '80', '--token', '${T}', 'https://u:***@h/x',
    ]);
  });

  it('a flag that names the variable holding a secret shows the name, not ***; a literal after it is still masked', () => {
    expect(redactArgs(['--auth-env', 'api_key=PET_KEY', '--token-env=GH_TOKEN', '--auth-env', 'basic=USER:PASS'])).toEqual([
      '--auth-env', 'api_key=PET_KEY', '--token-env=GH_TOKEN', '--auth-env', 'basic=USER:PASS',
    ]);
    expect(redactArgs(['--auth-env', 'sk-ant-api03-' + 'a'.repeat(93) + 'AA', '--token-env=not a name'])).toEqual(['--auth-env', '***', '--token-env=***']);
  });

  it('redactEntry hides env, headers, url credentials and the OAuth client secret', () => {
    expect(redactEntry({ command: 'npx', args: ['-y', 'srv'], env: { GITHUB_TOKEN: 'ghp_x', MODE: 'fast' } })).toEqual({ command: 'npx', args: ['-y', 'srv'], env: { GITHUB_TOKEN: '***', MODE: 'fast' } });
    expect(redactEntry({ type: 'http', url: 'https://h/mcp?key=1', headers: { 'X-Api-Key': 'k', Accept: 'json' }, oauth: { clientId: 'c', clientSecret: 's' } })).toEqual({
      type: 'http', url: 'https://h/mcp?key=***', headers: { 'X-Api-Key': '***', Accept: 'json' }, oauth: { clientId: 'c', clientSecret: '***' },
    });
  });

  it('redactKnownSecrets scrubs free text', () => {
    expect(redactKnownSecrets('auth failed for token s3cret-value (s3cret-value)', ['s3cret-value'])).toBe('auth failed for token *** (***)');
  });
});

describe('source lines under errors', () => {
  it('mask secret values with the same length, so the caret still lines up', async () => {
    const { maskSecretsInJsonLine } = await import('../../src/secrets/redact/index.js');
    const { parseJsonText } = await import('../../src/config/json-text.js');
    expect(maskSecretsInJsonLine('    "GITHUB_TOKEN": "ghp_abc", "MODE": "fast", "X": "sk-ant-1234567890"')).toBe('    "GITHUB_TOKEN": "*******", "MODE": "fast", "X": "*****************"');
    expect(maskSecretsInJsonLine('"API_KEY": "${API_KEY}"')).toBe('"API_KEY": "${API_KEY}"');
    const result = parseJsonText('{"env": {"API_KEY": "hunter22" "B": 1}}');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.sourceLine).toBe('{"env": {"API_KEY": "********" "B": 1}}');
      expect(result.error.sourceLine[result.error.column - 1]).toBe('"'); // the caret is still on "B"
    }
  });
});
