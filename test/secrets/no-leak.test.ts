/**
 * One redaction rule everywhere (issue 11, point 5; issue 9, items 3 and 4): secrets planted in
 * a stdio server's args (`--api-key sk-…`, `--token=…`) and env, printed back by a failing server
 * on stderr, and credentials in a server URL (user:pass@ and ?api_key=) never appear in `mcp
 * list`, `get`, `doctor` (text and --json), `up`, mcp.log or a server's log, even at debug
 * level; the URL case says to use a header. Logs, the database and every Patchbay folder are
 * owner-only, whichever command made them first.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../cli-mcp/sandbox.js';
import { PATCHBAY_BIN, runCli } from '../helpers/cli.js';
import { openDatabase } from '../../src/store/database.js';

const SERVER = fileURLToPath(new URL('../fixtures/secrets/secret-server.mjs', import.meta.url));
const posix = process.platform !== 'win32';

const SK = 'sk-Vq3Nx8Lm2Rt7Wp4Ks9Jd6Hf1';
const ARG_TOKEN = 'Tk8Qw2Zx5Cv9Bn4Ml7';
const ENV_PASSWORD = 'Pw3Er6Ty9Ui2Op5As8';
const URL_PASSWORD = 'Up4Sd7Fg1Hj5Kl9Zx2';
const QUERY_KEY = 'Qk6Wm3Ec8Rv1Tb5Yn9';
const PLANTED = [SK, ARG_TOKEN, ENV_PASSWORD, URL_PASSWORD, QUERY_KEY];

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

function expectClean(label: string, text: string): void {
  for (const value of PLANTED) expect(text, `${label} shows ${value}`).not.toContain(value);
}

describe('secrets never reach output, logs or errors', () => {
  it('list, get, doctor (and --json), up, mcp.log and server logs', async () => {
    const sandbox = createSandbox();
    const leaky = `process.stderr.write('auth failed for ' + process.env.SERVICE_PASSWORD + ' with ' + process.argv.slice(1).join(' ') + '\\n'); process.exit(1)`;
    sandbox.write(sandbox.claudeJson, {
      mcpServers: {
        argy: { command: process.execPath, args: [SERVER, '--api-key', SK, `--token=${ARG_TOKEN}`], env: { SERVICE_PASSWORD: ENV_PASSWORD } },
        leaky: { command: process.execPath, args: ['-e', leaky, '--', '--api-key', SK, `--token=${ARG_TOKEN}`], env: { SERVICE_PASSWORD: ENV_PASSWORD } },
        creds: { type: 'http', url: `http://alice:${URL_PASSWORD}@127.0.0.1:9/mcp?api_key=${QUERY_KEY}` },
      },
    });
    const env = { ...sandbox.env, PATCHBAY_LOG_LEVEL: 'debug' };
    const cli = (args: string[]) => runCli(args, { cwd: sandbox.project, env, timeoutMs: 60_000 });

    const list = await cli(['mcp', 'list']);
    expect(list.stdout).toMatch(/leaky: .* - ✘ Failed to connect/);
    expect(list.stdout).toContain('--api-key *** --token=***');
    const outputs = {
      list,
      listJson: await cli(['mcp', 'list', '--json']),
      getLeaky: await cli(['mcp', 'get', 'leaky']),
      getCreds: await cli(['mcp', 'get', 'creds', '--json']),
      doctor: await cli(['doctor']),
      doctorJson: await cli(['doctor', '--json']),
    };
    for (const [label, result] of Object.entries(outputs)) expectClean(label, result.stdout + result.stderr);
    // What the failing server said is still there, masked.
    expect(outputs.getLeaky.stdout).toContain('auth failed for ***');
    // The URL with credentials: say what to do instead.
    expect(outputs.doctor.stdout).toContain('-H "Authorization: Basic ${secret:NAME}"');

    // `patchbay up` runs the servers (restarting the failing one) with debug logs on.
    const child = spawn(process.execPath, [PATCHBAY_BIN, 'up', '--port', '0'], { cwd: sandbox.project, env: { ...process.env, ...env, NO_COLOR: '1' } });
    let upOutput = '';
    child.stdout.on('data', (d: Buffer) => (upOutput += d.toString()));
    child.stderr.on('data', (d: Buffer) => (upOutput += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (/Press Ctrl\+C to stop/.test(upOutput)) {
          clearInterval(check);
          resolve();
        }
      }, 50);
      child.on('exit', (code) => reject(new Error(`up exited with ${code}: ${upOutput}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // let the failing server restart a few times
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    await exited;
    expectClean('up', upOutput);
    expect(upOutput).toContain('✔ argy');

    const logDir = join(sandbox.home, '.local', 'state', 'patchbay');
    const logs = allFiles(logDir);
    expect(logs.map((f) => f.slice(logDir.length + 1)).sort()).toEqual(expect.arrayContaining(['mcp-server-argy.log', 'mcp-server-leaky.log', 'mcp.log']));
    for (const file of logs) expectClean(file, readFileSync(file, 'utf8'));
    expect(readFileSync(join(logDir, 'mcp-server-argy.log'), 'utf8')).toMatch(/started pid \d+: .* --api-key \*\*\* --token=\*\*\*/);
    // Nothing Patchbay wrote holds a planted value (the host file the user wrote them in does).
    for (const file of allFiles(sandbox.home).filter((f) => f !== sandbox.claudeJson && !f.includes('/backups/'))) expectClean(file, readFileSync(file, 'latin1'));

    if (posix) {
      expect(statSync(logDir).mode & 0o777).toBe(0o700);
      for (const file of logs) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    }
  }, 120_000);
});

describe.runIf(posix)('owner-only files and folders', () => {
  it('the database and its WAL files are 0600 in a 0700 folder, even when the folder was 0755', () => {
    const sandbox = createSandbox();
    const dataDir = join(sandbox.home, '.local', 'share', 'patchbay');
    mkdirSync(dataDir, { recursive: true });
    chmodSync(dataDir, 0o755);
    const file = join(dataDir, 'patchbay.db');
    const db = openDatabase(file);
    try {
      db.exec('CREATE TABLE t (x INTEGER)');
      db.prepare('INSERT INTO t VALUES (?)').run(1);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) {
        expect(existsSync(f), f).toBe(true);
        expect(statSync(f).mode & 0o777, f).toBe(0o600);
      }
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    } finally {
      db.close();
    }
  });

  it('config, data and log folders are 0700 whichever command makes them first', async () => {
    const sandbox = createSandbox();
    const cli = (args: string[], input?: string) => runCli(args, { cwd: sandbox.project, env: sandbox.env, input, timeoutMs: 60_000 });
    await cli(['token']);
    await cli(['secrets', 'set', 'ONE'], 'value-0001');
    sandbox.write(sandbox.claudeJson, { mcpServers: { a: { command: process.execPath, args: [SERVER] } } });
    await cli(['mcp', 'add', '-s', 'user', 'b', process.execPath, SERVER]); // backs ~/.claude.json up into data/
    for (const dir of [join(sandbox.home, '.config', 'patchbay'), join(sandbox.home, '.local', 'share', 'patchbay'), join(sandbox.home, '.local', 'share', 'patchbay', 'backups')]) {
      expect(statSync(dir).mode & 0o777, dir).toBe(0o700);
    }
  });
});
