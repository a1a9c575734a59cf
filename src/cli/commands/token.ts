import type { Command } from 'commander';

/** `patchbay token` — prints the gateway and proxy token (you asked for it, so it is shown). */
export function registerToken(program: Command): void {
  program
    .command('token')
    .description("Print the token clients send to Patchbay's gateway and model proxy (Authorization: Bearer <token>)")
    .option('--path', 'print where the token is stored instead of the token')
    .action(async (opts: { path?: boolean }) => {
      const { loadOrCreateToken, tokenPath } = await import('../../auth/token.js');
      process.stdout.write(`${opts.path ? tokenPath() : await loadOrCreateToken()}\n`);
    });
}
