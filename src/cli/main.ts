/**
 * The `patchbay` entry point: parse, run one command, map errors to exit codes.
 * Commands never call process.exit themselves; they return or throw (changesets' habit),
 * so every command is also callable from tests.
 */
import { CommanderError } from 'commander';
import { isPatchbayError } from '../errors.js';
import { buildProgram } from './program.js';

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isPatchbayError(error)) {
      process.stderr.write(`patchbay: ${error.message}\n`);
      if (error.hint) process.stderr.write(`  ${error.hint}\n`);
      return error.exitCode;
    }
    // Anything else is a bug in Patchbay, not a user mistake: say so, with the stack.
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`patchbay: internal error (please report it)\n${detail}\n`);
    return 70;
  }
}

/**
 * `patchbay mcp list | head -1`: once the reader has gone, the next write fails with EPIPE,
 * emitted on the stream and, unhandled, a crash with a stack trace. The reader chose to stop
 * reading; stop quietly, as Unix tools do, for every command.
 */
function exitQuietlyOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}
exitQuietlyOnBrokenPipe(process.stdout);
exitQuietlyOnBrokenPipe(process.stderr);

const code = await main(process.argv);
process.exitCode = code;
