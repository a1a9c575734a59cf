/**
 * Declares the command tree. Each file in ./commands registers one command with its flags and
 * lazily imports the module that does the work, so `patchbay --help` stays fast.
 */
import { Command } from 'commander';
import { registerMcp } from './commands/mcp.js';
import { registerDoctor } from './commands/doctor.js';

export function buildProgram(): Command {
  const program = new Command('patchbay')
    .description('The hub between AI applications, MCP servers and models.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();
  registerMcp(program);
  registerDoctor(program);
  return program;
}
