/**
 * `patchbay up` and `patchbay doctor` (and `mcp list`) on the same project say the same things
 * (issue 9, items 14 and 15): the same reason for each server that does not start — one
 * diagnosis, hub/upstream/diagnose.ts — tool-name collisions in every one of them (not only in
 * mcp.log), and a tool count that depends on the client's capabilities says so. Real CLI, real
 * child processes, the real server-everything from npm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ECHO_SERVER, EVERYTHING } from '../gateway/helpers/harness.js';
import { makeProject, startUp, type UpProcess } from '../gateway/helpers/up-process.js';
import { closedPort } from '../probe/helpers.js';
import { updatePatchbayConfig } from '../../src/config/patchbay-config.js';

const node = process.execPath;

describe('up, doctor and mcp list on one project', () => {
  let project: string;
  let port: number;
  let up: UpProcess;
  let doctor: string;
  let list: string;
  let listJson: Array<Record<string, unknown>>;
  beforeAll(async () => {
    port = await closedPort();
    project = makeProject({
      relative: { command: node, args: ['build/index.js'] },
      absolute: { command: node, args: ['/nonexistent/patchbay-test/server.js'] },
      nopath: { command: 'patchbay-no-such-command-xyz', args: [] },
      unset: { command: node, args: [ECHO_SERVER], env: { KEY: '${PATCHBAY_TEST_UNSET_VAR}' } },
      refused: { type: 'http', url: `http://127.0.0.1:${port}/mcp` },
      one: { command: node, args: [ECHO_SERVER, 'one'] },
      two: { command: node, args: [ECHO_SERVER, 'two'] },
      everything: { command: node, args: [EVERYTHING, 'stdio'] },
    });
    // Two servers serving their tools without a prefix: every name collides. (The user's own
    // config.json sets it: a project's .mcp.json may only restrict, not rename.)
    await updatePatchbayConfig((data) => {
      data.servers = { one: { prefix: '' }, two: { prefix: '' } };
      return { changed: true, result: undefined };
    });
    delete process.env.PATCHBAY_TEST_UNSET_VAR;
    [up, { stdout: doctor }, { stdout: list }] = await Promise.all([
      startUp(project),
      runCli(['doctor', '--timeout', '8000'], { cwd: project, timeoutMs: 60_000 }),
      runCli(['mcp', 'list', '--timeout', '8000'], { cwd: project, timeoutMs: 60_000 }),
    ]);
    listJson = JSON.parse((await runCli(['mcp', 'list', '--json', '--timeout', '8000'], { cwd: project, timeoutMs: 60_000 })).stdout);
  }, 120_000);
  afterAll(async () => {
    await up?.stop();
  });

  /** `  ✘ name  state: reason` in up's output. */
  const upLine = (name: string) => up.output.stdout.split('\n').find((l) => l.startsWith(`  ✘ ${name}  `) || l.startsWith(`  ✔ ${name}  `)) ?? '';
  /** `  ✘ name (stdio, project scope) — reason` in doctor's summary. */
  const doctorReason = (name: string) => / — (.*)$/.exec(doctor.split('\n').find((l) => l.startsWith(`  ✘ ${name} (`) || l.startsWith(`  ✔ ${name} (`)) ?? '')?.[1] ?? '';

  it('gives the reason doctor gives for each server that does not start', () => {
    const expected: Record<string, string> = {
      relative: `exited with code 1 during start-up: argument "build/index.js" is a relative path that does not exist from ${project}`,
      absolute: 'exited with code 1 during start-up: file "/nonexistent/patchbay-test/server.js" not found',
      nopath: 'command "patchbay-no-such-command-xyz" was not found on PATH',
      unset: 'environment variable PATCHBAY_TEST_UNSET_VAR not set',
      refused: `connection refused: nothing is listening at http://127.0.0.1:${port}/mcp`,
    };
    for (const [name, reason] of Object.entries(expected)) {
      expect(doctorReason(name), `doctor, ${name}`).toBe(reason);
      expect(upLine(name), `up, ${name}`).toContain(reason);
    }
    // Not "missing dependency, npm install /x.js", not "last stderr line: Node.js v20", not "fetch failed".
    expect(up.output.stdout).not.toMatch(/npm install \/|last stderr line: "Node\.js|fetch failed/);
    expect(doctor).not.toMatch(/npm install \/|fetch failed/);
    // up gives the fix on the next line, as doctor does under Problems.
    expect(up.output.stdout).toContain(`${upLine('absolute')}\n      → Check the path in the entry's args: /nonexistent/patchbay-test/server.js does not exist`);
  });

  it('shows tool-name collisions in up, doctor and mcp list, not only in mcp.log', () => {
    const collision = 'Tool "echo" is offered by "one" (as "echo") and "two" (as "echo"); all of them are withheld. Give one server a different "patchbay.prefix" to serve both.';
    expect(up.output.stdout).toContain(`      ⚠ ${collision}`);
    expect(doctor).toContain(`      ⚠ under \`patchbay up\`: ${collision}`);
    expect(list).toContain(`    ⚠ ${collision}`);
    expect(listJson.find((s) => s.name === 'one')?.collisions).toContain(collision);
    expect(listJson.find((s) => s.name === 'everything')?.collisions).toBeUndefined();
  });

  it('says when a tool count depends on the client capabilities, with both counts where it knows them', () => {
    const everything = listJson.find((s) => s.name === 'everything')!;
    const withCaps = everything.toolCount as number;
    const without = everything.toolCountWithoutCapabilities as number;
    expect(without).toBeLessThan(withCaps);
    expect(doctorReason('everything')).toMatch(new RegExp(`, ${withCaps} tools \\(${without} for a client without roots, sampling or elicitation: the server adapts its list to the client\\); speaks 2025-11-25 \\(initialize\\)$`));
    // up lists as many as doctor counts for Patchbay's capabilities, and says why that number.
    expect(upLine('everything')).toBe(`  ✔ everything  stdio, ${withCaps} tools, protocol 2025-11-25 (as listed for a client with roots, sampling and elicitation, which Patchbay declares: the server adapts its list to the client)`);
    // A server whose list does not depend on the client gets no such note.
    expect(upLine('one')).toMatch(/^ {2}✔ one {2}stdio, \d+ tools?, protocol 2025-11-25$/);
  });
});
