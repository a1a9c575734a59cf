import type { Command } from 'commander';

/** `patchbay doctor [NAME]` — filled in by the probe/doctor work. */
export function registerDoctor(program: Command): void {
  program.command('doctor [name]').description('Find and explain why MCP servers fail, with the fix');
}
