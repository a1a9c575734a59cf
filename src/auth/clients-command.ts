/**
 * `patchbay clients add|list|revoke` and the checks other commands make (`gateway --stdio
 * --client NAME`, `connect HOST`): thin over the ClientStore.
 */
import { PatchbayError } from '../errors.js';
import { clientsPath, createFileClientStore, DEFAULT_CLIENT, validateClientName, type ClientStore } from './client-store.js';

export async function addClientCommand(name: string, options: { rotate?: boolean; json?: boolean }, out: NodeJS.WritableStream = process.stdout, store: ClientStore = createFileClientStore()): Promise<void> {
  const { record, token, rotated } = await store.add(name, { rotate: options.rotate });
  if (options.json) {
    out.write(`${JSON.stringify({ name: record.name, token, rotated })}\n`);
    return;
  }
  // You asked for a token, so it is shown: once, because only its hash is kept.
  out.write(
    [
      `${rotated ? 'New token for' : 'Client'} "${record.name}"${rotated ? ' (the old one no longer works)' : ' added'}. Its token, shown only now:`,
      '',
      `  ${token}`,
      '',
      'Send it as "Authorization: Bearer <token>" (or x-api-key) to the gateway and the model proxy;',
      `calls with it are "${record.name}" for permissions, approvals, the audit log and \`patchbay cost --by client\`.`,
      '',
    ].join('\n'),
  );
}

export async function listClientsCommand(options: { json?: boolean }, out: NodeJS.WritableStream = process.stdout, store: ClientStore = createFileClientStore()): Promise<void> {
  const clients = await store.list();
  if (options.json) {
    out.write(`${JSON.stringify([{ name: DEFAULT_CLIENT, hasToken: true, via: 'patchbay token' }, ...clients], null, 2)}\n`);
    return;
  }
  const rows = [['NAME', 'CREDENTIAL', 'SINCE', 'VIA'], [DEFAULT_CLIENT, 'shared token (`patchbay token`)', '', ''] as string[]];
  for (const c of clients) {
    const credential = c.revokedAt ? `revoked ${c.revokedAt.slice(0, 10)}` : c.hasToken ? 'token' : 'none (stdio, --client)';
    rows.push([c.name, credential, c.createdAt.slice(0, 10), c.via]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  out.write(`${rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')}\n`);
  if (clients.length === 0) out.write('\nNo clients yet: `patchbay connect HOST` adds one per host, `patchbay clients add NAME` one with a token.\n');
}

export async function revokeClientCommand(name: string, out: NodeJS.WritableStream = process.stdout, store: ClientStore = createFileClientStore()): Promise<void> {
  if (!(await store.revoke(name))) {
    throw new PatchbayError('USAGE', `No active client named "${name}"`, { hint: '`patchbay clients list` shows the clients.' });
  }
  out.write(`Revoked "${name}": its token no longer works, and \`patchbay gateway --stdio --client ${name}\` is refused. A running hub notices within a second.\n`);
}

/** `gateway --stdio --client NAME`: the name must be a registered, active client. */
export async function assertActiveClient(name: string, store: ClientStore = createFileClientStore()): Promise<void> {
  if (name === DEFAULT_CLIENT) return;
  validateClientName(name);
  const found = (await store.list()).find((c) => c.name === name);
  if (!found) {
    throw new PatchbayError('USAGE', `--client ${name}: no such client in ${clientsPath()}`, { hint: `Run \`patchbay connect HOST\` again, or \`patchbay clients add ${name}\`.` });
  }
  if (found.revokedAt) {
    throw new PatchbayError('USAGE', `--client ${name}: this client was revoked on ${found.revokedAt.slice(0, 10)}`, { hint: `\`patchbay connect\` for that host (or \`patchbay clients add ${name}\`) makes it active again.` });
  }
}

/** What `patchbay connect HOST` does for the host's client: make sure it exists and is active. */
export async function ensureHostClient(name: string, store: ClientStore = createFileClientStore()): Promise<void> {
  await store.ensure(name, 'connect');
}
