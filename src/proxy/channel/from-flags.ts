/**
 * The channel a built-in server run on its own (`patchbay server models`, …) uses: the proxy
 * at `--proxy-url` (else PATCHBAY_PROXY_URL, else the newest running `patchbay up` / `patchbay
 * proxy`), with the client token in the variable `--token-env` names (PATCHBAY_CLIENT_TOKEN by
 * default). The entry puts the token there as a secret reference, e.g.
 * `"env": {"PATCHBAY_CLIENT_TOKEN": "${secret:patchbay-models-token}"}`. No provider key is read.
 */
import { PatchbayError } from '../../errors.js';
import { findListeners } from '../server/listen-record.js';
import { createHttpChannel, type ModelChannel } from './index.js';

export interface ChannelFlags {
  proxyUrl?: string;
  tokenEnv: string;
}

export const DEFAULT_TOKEN_ENV = 'PATCHBAY_CLIENT_TOKEN';

export async function channelFromFlags(flags: ChannelFlags, env: NodeJS.ProcessEnv, server: string): Promise<ModelChannel> {
  const token = env[flags.tokenEnv];
  if (!token) {
    throw new PatchbayError('USAGE', `patchbay server ${server} needs a client token in ${flags.tokenEnv} to call Patchbay's model proxy`, {
      hint: `Create one with \`patchbay clients add ${server}\` and give it to the entry as ${flags.tokenEnv} (a \${secret:…} reference); usage is then booked under "${server}".`,
    });
  }
  let url = flags.proxyUrl ?? env.PATCHBAY_PROXY_URL;
  if (!url) url = (await findListeners())[0]?.url;
  if (!url) {
    throw new PatchbayError('USAGE', `patchbay server ${server} found no running Patchbay proxy`, { hint: 'Start `patchbay up` (or `patchbay proxy`), or pass --proxy-url.' });
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new PatchbayError('USAGE', `--proxy-url "${url}" is not an http(s) URL`);
  }
  return createHttpChannel({ url, token, client: server });
}
