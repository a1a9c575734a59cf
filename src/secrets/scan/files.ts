/**
 * The files `patchbay scan --secrets` reads: every file Patchbay manages or reads servers from,
 * with where the server entries sit in each (claude-code-config-files.md):
 *
 *   ~/.claude.json                       user scope (mcpServers) and local scope (projects.<root>.mcpServers)
 *   <project>/.mcp.json                  project scope, usually committed
 *   <project>/.claude/settings.local.json  approvals (and anything a user pasted there)
 *   Claude Desktop's claude_desktop_config.json
 *   ~/.cursor/mcp.json, <project>/.cursor/mcp.json
 *   <project>/.vscode/mcp.json and VS Code's user mcp.json (key "servers")
 *   Patchbay's own config.json
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { claudeDesktopConfigPath, claudeJsonPath, mcpJsonPath, projectSettingsLocalPath } from '../../config/locations.js';
import { patchbayConfigPath } from '../../config/patchbay-config.js';

export interface ScannedFile {
  file: string;
  /** For messages: "Claude Code (user and local scope)". */
  label: string;
  /** JSON paths of the objects that hold server entries by name; `*` matches any key. */
  containers: readonly (readonly string[])[];
  /** Whether the file is meant to be shared (a literal there is an error once git tracks it). */
  project: boolean;
}

function vscodeUserMcp(): string {
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Code', 'User', 'mcp.json');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Code', 'User', 'mcp.json');
  const xdg = process.env.XDG_CONFIG_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.config'), 'Code', 'User', 'mcp.json');
}

export function scannedFiles(projectRoot: string): ScannedFile[] {
  return [
    { file: claudeJsonPath(), label: 'Claude Code (user and local scope)', containers: [['mcpServers'], ['projects', '*', 'mcpServers']], project: false },
    { file: mcpJsonPath(projectRoot), label: 'Claude Code (project scope)', containers: [['mcpServers']], project: true },
    { file: projectSettingsLocalPath(projectRoot), label: 'Claude Code project settings', containers: [], project: false },
    { file: claudeDesktopConfigPath(), label: 'Claude Desktop', containers: [['mcpServers']], project: false },
    { file: join(homedir(), '.cursor', 'mcp.json'), label: 'Cursor (global)', containers: [['mcpServers']], project: false },
    { file: join(projectRoot, '.cursor', 'mcp.json'), label: 'Cursor (project)', containers: [['mcpServers']], project: true },
    { file: join(projectRoot, '.vscode', 'mcp.json'), label: 'VS Code (workspace)', containers: [['servers']], project: true },
    { file: vscodeUserMcp(), label: 'VS Code (user)', containers: [['servers']], project: false },
    { file: patchbayConfigPath(), label: "Patchbay's config.json", containers: [], project: false },
  ];
}
