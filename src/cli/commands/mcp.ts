import type { Command } from 'commander';

/** `patchbay mcp …` — filled in by the registry work. */
export function registerMcp(program: Command): void {
  program.command('mcp').description('Configure and manage MCP servers (compatible with `claude mcp`)');
}
