/**
 * The OAuth session of a configured remote server: its `oauth` settings (client id, callback
 * port, client metadata document URL, allowMissingPkce), its client secret from Patchbay's
 * credentials file (never the host file), and the machine's token store. Entries that send their
 * own `Authorization` header manage their credentials themselves and get no session: the host's
 * or the user's header is never replaced, and no token of ours goes where one is already set.
 */
import { getClientSecret } from '../../config/credentials.js';
import type { RemoteEntry } from '../../config/types.js';
import type { UserAgent } from './login.js';
import { createOAuthSession, type OAuthSession } from './session.js';
import { openTokenStore, type OAuthTokenStore } from './token-store.js';

export interface EntryOAuthSettings {
  clientId?: string;
  clientSecret?: string;
  callbackPort?: number;
  clientMetadataUrl?: string;
  allowMissingPkce?: boolean;
}

export function hasOwnAuthorization(entry: RemoteEntry): boolean {
  return Object.keys(entry.headers ?? {}).some((h) => h.toLowerCase() === 'authorization');
}

export async function oauthSessionFor(
  name: string,
  entry: RemoteEntry,
  options: { userAgent?: UserAgent; store?: OAuthTokenStore; clientId?: string; clientSecret?: string } = {},
): Promise<OAuthSession | undefined> {
  if (hasOwnAuthorization(entry)) return undefined;
  const oauth = (entry.oauth ?? {}) as EntryOAuthSettings;
  const clientId = options.clientId ?? oauth.clientId;
  const clientSecret = options.clientSecret ?? (clientId ? await getClientSecret(name, entry.url).catch(() => undefined) : undefined);
  return createOAuthSession({
    server: name,
    serverUrl: entry.url,
    store: options.store ?? (await openTokenStore()),
    settings: {
      ...(clientId ? { clientId } : {}),
      ...(clientSecret ? { clientSecret } : {}),
      ...(oauth.callbackPort !== undefined ? { callbackPort: Number(oauth.callbackPort) } : {}),
      ...(typeof oauth.clientMetadataUrl === 'string' ? { clientMetadataUrl: oauth.clientMetadataUrl } : {}),
      ...(oauth.allowMissingPkce === true ? { allowMissingPkce: true } : {}),
    },
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  });
}
