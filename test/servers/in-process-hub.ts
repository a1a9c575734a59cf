/**
 * A hub on the gateway harness that runs Patchbay's own model-using servers in its process, on
 * the given proxy, as `patchbay up` does (src/servers/in-process-host.ts); client tokens from the
 * real clients.json, plus the ones the hub mints for a server's children.
 */
import { createFileClientStore } from '../../src/auth/client-store.js';
import { withEphemeralClients } from '../../src/auth/ephemeral-clients.js';
import type { ProxyServer } from '../../src/proxy/server/index.js';
import { createInProcessHost } from '../../src/servers/in-process-host.js';
import { startGateway, type Running } from '../gateway/helpers/harness.js';

export function startInProcessHub(entries: Parameters<typeof startGateway>[0], proxy: ProxyServer, token: string, cwd: string): Promise<Running> {
  const clients = withEphemeralClients(createFileClientStore().resolver({ recheckMs: 0 }));
  const inProcess = createInProcessHost({ proxy: { listener: proxy.listener, token }, hubUrl: () => undefined, issueClientToken: (c) => clients.issue(c), env: process.env, cwd });
  return startGateway(entries, { token, clients, hub: { inProcess } });
}
