/**
 * Runs the proxy's three commands the way bin/patchbay.js does (parse, map PatchbayError to a
 * message and exit code), with only those commands registered: src/cli/program.ts belongs to
 * the lead, and these tests must not wait for it to register them.
 */
import { Command, CommanderError } from 'commander';
import { registerClaude } from '../../../src/cli/commands/claude.js';
import { registerEnv } from '../../../src/cli/commands/env.js';
import { registerProxy } from '../../../src/cli/commands/proxy.js';
import { isPatchbayError } from '../../../src/errors.js';

const program = new Command('patchbay').exitOverride();
registerProxy(program);
registerEnv(program);
registerClaude(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = error.exitCode;
  else if (isPatchbayError(error)) {
    process.stderr.write(`patchbay: ${error.message}\n`);
    if (error.hint) process.stderr.write(`  ${error.hint}\n`);
    process.exitCode = error.exitCode;
  } else throw error;
}
