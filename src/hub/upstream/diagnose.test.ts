import { describe, expect, it } from 'vitest';
import { diagnoseRemote, findMissingDependency } from './diagnose.js';

describe('findMissingDependency', () => {
  it('does not mistake an error message for a missing program', () => {
    expect(findMissingDependency(['Error: not found'])).toBeUndefined();
    expect(findMissingDependency(['bash: rg: command not found'])).toMatchObject({ name: 'rg', kind: 'program' });
  });
});

describe('diagnoseRemote', () => {
  // Built from the facts fetch gives (no DNS query leaves this machine in tests).
  it('says the host does not resolve, naming the URL without its query string', () => {
    const error = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND mcp.example.invalid'), { code: 'ENOTFOUND' }) });
    const diagnosis = diagnoseRemote('https://mcp.example.invalid/mcp?token=abc12345', { stderrTail: [], nonJsonLines: [], error }, 5_000);
    expect(diagnosis).toMatchObject({ kind: 'dns', reason: 'host not found: https://mcp.example.invalid/mcp' });
    expect(JSON.stringify(diagnosis)).not.toContain('abc12345');
  });
});
