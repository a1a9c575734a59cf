import type { Command } from 'commander';

/** `patchbay clients add|list|revoke` — who may call the gateway and the model proxy (src/auth/). */
export function registerClients(program: Command): void {
  const clients = program.command('clients').description('Named clients (one per host): their tokens, for permissions, approvals, the audit log and cost by client');
  clients
    .command('add <name>')
    .description('Add a client with its own token (printed once; only its hash is kept)')
    .option('--rotate', 'replace the token of an existing client')
    .option('--json', 'print {"name", "token"} as JSON')
    .action(async (name: string, opts: { rotate?: boolean; json?: boolean }) => {
      const { addClientCommand } = await import('../../auth/clients-command.js');
      await addClientCommand(name, opts);
    });
  clients
    .command('list')
    .description('List the clients (never their tokens)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { listClientsCommand } = await import('../../auth/clients-command.js');
      await listClientsCommand(opts);
    });
  clients
    .command('revoke <name>')
    .description("Revoke a client: its token stops working, and so does a host's `--client NAME` entry")
    .action(async (name: string) => {
      const { revokeClientCommand } = await import('../../auth/clients-command.js');
      await revokeClientCommand(name);
    });
}
