import { describe, expect, it } from 'vitest';
import { diagnoseExit, diagnoseRemote, diagnosisLine, findMissingDependency, isPermanentDiagnosis } from './diagnose.js';

describe('findMissingDependency', () => {
  it('does not mistake an error message for a missing program', () => {
    expect(findMissingDependency(['Error: not found'])).toBeUndefined();
    expect(findMissingDependency(['bash: rg: command not found'])).toMatchObject({ name: 'rg', kind: 'program' });
  });

  it("does not take a script path node cannot find for a package to install", () => {
    expect(findMissingDependency(["Error: Cannot find module '/srv/x.js'"])).toBeUndefined();
    expect(findMissingDependency(["Error: Cannot find module './lib/y.js'"])).toBeUndefined();
    expect(findMissingDependency(["Error: Cannot find module 'C:\\srv\\x.js'"])).toBeUndefined();
    expect(findMissingDependency(["Error: Cannot find module 'left-pad'"])).toMatchObject({ name: 'left-pad', kind: 'node-module' });
  });
});

describe('diagnoseExit', () => {
  const exit = { exitCode: 1, stderrTail: ["Error: Cannot find module '/gone/server.js'", '', 'Node.js v20.20.2'], nonJsonLines: [] };

  it('says a missing absolute script is a file not found, and that restarting cannot help', () => {
    const d = diagnoseExit({ command: 'node', args: ['/gone/server.js'] }, exit, { cwd: '/', timeoutMs: 1_000 });
    expect(d).toMatchObject({ kind: 'file-not-found', reason: 'exited with code 1 during start-up: file "/gone/server.js" not found' });
    expect(isPermanentDiagnosis(d)).toBe(true);
    // The same from node's own message when the path is built by a wrapper script.
    expect(diagnoseExit({ command: 'sh', args: ['-c', 'node /gone/server.js'] }, exit, { cwd: '/', timeoutMs: 1_000 }).kind).toBe('file-not-found');
  });

  it('keeps the last meaningful stderr line on the one-line form of a bare exit, as up shows it', () => {
    const d = diagnoseExit({ command: 'node', args: ['-e', 'x'] }, { exitCode: 3, stderrTail: ['fatal: no config', ''], nonJsonLines: [] }, { cwd: '/', timeoutMs: 1_000 });
    expect(diagnosisLine(d)).toBe('exited with code 3 before answering initialize; last stderr line: "fatal: no config"');
    expect(isPermanentDiagnosis(d)).toBe(false);
  });

  it('words a remote failure by its network code, not "fetch failed"', () => {
    const error = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    const d = diagnoseExit({ type: 'http', url: 'http://127.0.0.1:9/mcp' }, { stderrTail: [], nonJsonLines: [], error }, { cwd: '/', timeoutMs: 1_000 });
    expect(diagnosisLine(d)).toBe('connection refused: nothing is listening at http://127.0.0.1:9/mcp');
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
