/**
 * Real key commands for tests: small shell scripts in a temporary directory. The counting one
 * prints `<prefix><n>` on its n-th run and keeps n in a file beside itself, so a test can see
 * how often Patchbay ran it.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyScript {
  dir: string;
  path: string;
  /** The config value: `cmd:sh '<path>'`. */
  reference: string;
  /** How many times the script has run. */
  runs(): number;
  /** The key the n-th run prints. */
  key(n: number): string;
}

export function tempDir(prefix = 'pb-keys-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeScript(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o700);
  return path;
}

export function countingKeyScript(prefix: string, dir = tempDir()): KeyScript {
  const count = join(dir, 'runs');
  const path = writeScript(dir, 'print-key.sh', [
    `n=$(cat '${count}' 2>/dev/null || echo 0)`,
    'n=$((n + 1))',
    `echo "$n" > '${count}'`,
    `echo "${prefix}$n"`,
  ].join('\n'));
  return {
    dir,
    path,
    reference: `cmd:sh '${path}'`,
    runs: () => (existsSync(count) ? Number(readFileSync(count, 'utf8').trim()) : 0),
    key: (n) => `${prefix}${n}`,
  };
}
