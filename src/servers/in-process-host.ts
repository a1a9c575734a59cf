/**
 * What `patchbay up` hands its hub so that the model-using built-in servers run in the hub's own
 * process (./in-process.ts says which entries): each gets the hub's proxy as an in-process
 * channel (usage booked under the client that made each call) and, for a child it starts, the
 * hub's URL with a credential minted for the entry's name (src/auth/ephemeral-clients.ts).
 * Without a proxy (none configured) such a server does not start, and its status says why.
 */
import { PatchbayError } from '../errors.js';
import type { InProcessHost } from '../hub/hub.js';
import { connectInProcess } from '../hub/upstream/in-process.js';
import { openInProcessChannel, type ProxyListener } from '../proxy/channel/index.js';
import { inProcessBuiltin, type InProcessDeps } from './in-process.js';

export interface InProcessHostOptions {
  /** The proxy the hub mounts under /v1 and its shared token, or why it is not mounted. */
  proxy: { listener: NonNullable<ProxyListener>; token: string } | string;
  /** The hub's base URL (`http://127.0.0.1:PORT`), once it listens. */
  hubUrl(): string | undefined;
  /** A credential naming a client at the gateway and the proxy while the hub runs. */
  issueClientToken(client: string): string;
  /** The hub's environment (PATH decides what `patchbay` on an entry's command is). */
  env: NodeJS.ProcessEnv;
  /** Where the hub runs its children (relative `--root`s resolve against it). */
  cwd: string;
}

export function createInProcessHost(options: InProcessHostOptions): InProcessHost {
  return {
    takes: (entry) => inProcessBuiltin(entry, options.env) !== undefined,
    async connect(name, entry, connectOptions) {
      const builtin = inProcessBuiltin(entry, options.env);
      if (!builtin) throw new Error(`${name} is not a built-in server the hub can run in-process`);
      const deps: InProcessDeps = {
        name,
        cwd: connectOptions.cwd ?? options.cwd,
        env: connectOptions.env ?? options.env,
        async channel() {
          const { proxy } = options;
          if (typeof proxy === 'string') {
            throw new PatchbayError('UPSTREAM', `patchbay server ${builtin.builtin} calls models through Patchbay's proxy, which is not mounted (${proxy})`, {
              hint: 'Configure a provider (see `patchbay proxy --help` and the README\'s "Model proxy" section), then restart `patchbay up`.',
            });
          }
          return openInProcessChannel({ listener: proxy.listener, token: proxy.token, client: name });
        },
        hubEndpoint(client) {
          const url = options.hubUrl();
          if (!url) throw new PatchbayError('UPSTREAM', `patchbay server ${builtin.builtin} needs the hub's address, and the hub is not listening yet`);
          return { url, token: options.issueClientToken(client) };
        },
      };
      return connectInProcess(name, async () => (await builtin.factory())(builtin.args, deps), connectOptions);
    },
  };
}
