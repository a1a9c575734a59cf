/**
 * The hosts `patchbay connect` knows: where each keeps its MCP servers, under which key, and the
 * entry that launches Patchbay's stdio gateway there (absolute node and bin paths, because hosts
 * start servers with a minimal PATH). File formats: shared/reference/claude-code-config-files.md.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claudeDesktopConfigPath, claudeJsonPath } from '../config/locations.js';
import { PatchbayError } from '../errors.js';

export type HostId = 'claude-desktop' | 'claude-code' | 'cursor' | 'vscode';
export const HOST_IDS: readonly HostId[] = ['claude-desktop', 'claude-code', 'cursor', 'vscode'];

/** The name the gateway entry gets in a host's file. */
export const GATEWAY_ENTRY_NAME = 'patchbay';

export interface HostTarget {
  id: HostId;
  label: string;
  file: string;
  /** `mcpServers` everywhere except VS Code's `servers`. */
  key: 'mcpServers' | 'servers';
  entry: Record<string, unknown>;
}

export const PATCHBAY_BIN = fileURLToPath(new URL('../../bin/patchbay.js', import.meta.url));

/** `--client HOST` names the caller for policy and audit; a name, not a secret (stdio-command.ts says why). */
export function gatewayArgs(options: { cwd?: string; forHost?: 'claude-code'; client?: string } = {}): string[] {
  const args = [PATCHBAY_BIN, 'gateway', '--stdio'];
  if (options.cwd !== undefined) args.push('--cwd', options.cwd);
  // Claude Code loads its own scopes itself; its gateway serves only what it cannot see.
  if (options.forHost !== undefined) args.push('--for', options.forHost);
  if (options.client !== undefined) args.push('--client', options.client);
  return args;
}

/** Whether an entry is Patchbay's gateway (written by connect, possibly from another install). */
export function isGatewayEntry(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null || !Array.isArray((entry as { args?: unknown }).args)) return false;
  const args = (entry as { args: unknown[] }).args;
  return args.includes('gateway') && args.includes('--stdio') && args.some((a) => typeof a === 'string' && /patchbay/.test(a));
}

export function resolveHost(id: string, projectRoot: string): HostTarget {
  const command = process.execPath;
  switch (id) {
    case 'claude-desktop':
      // `patchbay.disabled` keeps Patchbay's own hub from launching itself when it reads this
      // file; hosts ignore the unknown key.
      return { id, label: 'Claude Desktop', file: claudeDesktopConfigPath(), key: 'mcpServers', entry: { command, args: gatewayArgs({ client: id }), env: {}, patchbay: { disabled: true } } };
    case 'claude-code':
      return { id, label: 'Claude Code (user scope)', file: claudeJsonPath(), key: 'mcpServers', entry: { type: 'stdio', command, args: gatewayArgs({ forHost: 'claude-code', client: id }), env: {}, patchbay: { disabled: true } } };
    case 'cursor':
      return { id, label: 'Cursor', file: join(homedir(), '.cursor', 'mcp.json'), key: 'mcpServers', entry: { command, args: gatewayArgs({ client: id }), env: {} } };
    case 'vscode':
      return { id, label: 'VS Code (this project)', file: join(projectRoot, '.vscode', 'mcp.json'), key: 'servers', entry: { type: 'stdio', command, args: gatewayArgs({ cwd: projectRoot, client: id }) } };
    default:
      throw new PatchbayError('USAGE', `Unknown host "${id}"`, { hint: `Use one of: ${HOST_IDS.join(', ')}.` });
  }
}
