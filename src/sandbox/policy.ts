/**
 * From an entry's sandbox settings to what the launcher enforces: real, absolute writable paths
 * (each checked to exist and not to be a protected path) and the parsed network allow list.
 * Resolution happens at every start, so a moved project or a new symlink is seen as it is now.
 */
import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { PatchbayError } from '../errors.js';
import { parseHostRule, type HostRule } from './host-rules.js';
import { PROJECT_TOKEN, type SandboxSettings } from './options.js';
import { describeProtection, protectionOf, type ProtectedPath } from './protected-paths.js';

export type SandboxNetwork = { kind: 'none' } | { kind: 'allow'; rules: HostRule[] };

export interface SandboxPolicy {
  /** Absolute real paths the server may write (directories or files). */
  write: string[];
  network: SandboxNetwork;
}

export interface PolicyContext {
  /** The project directory: `<project>`, and the base of relative paths. */
  projectDir: string;
  home?: string;
  /** Checked against every writable path; default protectedPaths(). */
  protect?: readonly ProtectedPath[];
  /** For messages: which server and file the settings come from. */
  where?: string;
}

export function resolveSandboxPolicy(settings: SandboxSettings, context: PolicyContext): SandboxPolicy {
  const home = context.home ?? homedir();
  const where = context.where ? ` (${context.where})` : '';
  const write: string[] = [];
  for (const written of settings.write ?? [PROJECT_TOKEN]) {
    const path = expandPath(written, context.projectDir, home);
    let real: string;
    try {
      real = realpathSync(path);
      statSync(real);
    } catch {
      throw new PatchbayError('SANDBOX_INVALID', `patchbay.sandbox.write: "${written}" (${path}) does not exist${where}`, {
        hint: 'Create it, or remove it from "write": a sandbox binds only paths that exist.',
      });
    }
    const protection = protectionOf(real, context.protect);
    if (protection) {
      throw new PatchbayError('SANDBOX_INVALID', `patchbay.sandbox.write: "${written}" cannot be writable: ${describeProtection(protection)}${where}`, {
        hint: 'Remove it from "write".',
      });
    }
    if (!write.includes(real)) write.push(real);
  }
  const network = settings.network;
  if (network === undefined || network === 'none') return { write, network: { kind: 'none' } };
  return { write, network: { kind: 'allow', rules: network.allow.map((pattern) => parseHostRule(pattern)) } };
}

function expandPath(written: string, projectDir: string, home: string): string {
  if (written === PROJECT_TOKEN) return projectDir;
  if (written.startsWith(`${PROJECT_TOKEN}/`)) return join(projectDir, written.slice(PROJECT_TOKEN.length + 1));
  if (written === '~') return home;
  if (written.startsWith('~/')) return join(home, written.slice(2));
  return isAbsolute(written) ? written : resolve(projectDir, written);
}
