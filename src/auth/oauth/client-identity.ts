/**
 * Which client Patchbay is to the authorization server, in the order of MCP 2025-11-25
 * ("Client Registration Approaches"): a pre-registered client (`--client-id`, `--client-secret`),
 * else a client ID metadata document URL from config when the server supports them, else
 * dynamic client registration (RFC 7591), else an error that says to pre-register.
 */
import { oauthError, where } from './errors.js';
import type { AuthServerMetadata } from './discovery.js';
import type { OAuthClientIdentity, TokenEndpointAuthMethod } from './token-store.js';

export interface ClientSettings {
  clientId?: string;
  clientSecret?: string;
  /** An https URL of a client ID metadata document (draft-ietf-oauth-client-id-metadata-document). */
  clientMetadataUrl?: string;
}

type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** RFC 8414 §2: absent means client_secret_basic. */
function supportedMethods(metadata: AuthServerMetadata): string[] {
  return metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
}

function methodForSecret(metadata: AuthServerMetadata): TokenEndpointAuthMethod {
  const methods = supportedMethods(metadata);
  if (methods.includes('client_secret_basic')) return 'client_secret_basic';
  if (methods.includes('client_secret_post')) return 'client_secret_post';
  return 'client_secret_basic';
}

export async function clientIdentity(
  metadata: AuthServerMetadata,
  settings: ClientSettings,
  redirectUri: string,
  previous: OAuthClientIdentity | undefined,
  fetcher: Fetch = fetch,
): Promise<OAuthClientIdentity> {
  if (settings.clientId) {
    return settings.clientSecret
      ? { clientId: settings.clientId, clientSecret: settings.clientSecret, authMethod: methodForSecret(metadata), source: 'pre-registered' }
      : { clientId: settings.clientId, authMethod: 'none', source: 'pre-registered' };
  }
  if (settings.clientMetadataUrl && metadata.client_id_metadata_document_supported === true) {
    return { clientId: settings.clientMetadataUrl, authMethod: 'none', source: 'metadata-document' };
  }
  if (previous?.source === 'dynamic' && previous.redirectUris?.includes(redirectUri)) return previous;
  if (!metadata.registration_endpoint) {
    throw oauthError(
      `the authorization server ${where(metadata.issuer)} offers no dynamic client registration and no client id was given`,
      'Register Patchbay as a client with the provider, then: patchbay mcp login NAME --client-id ID [--client-secret]',
    );
  }
  const methods = supportedMethods(metadata);
  const wanted: TokenEndpointAuthMethod = methods.includes('none') ? 'none' : methodForSecret(metadata);
  let response: Response;
  try {
    response = await fetcher(metadata.registration_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        client_name: 'Patchbay',
        // SEP-837: a loopback redirect makes Patchbay a native application (OpenID Connect Registration §2).
        application_type: 'native',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: wanted,
      }),
      redirect: 'error',
    });
  } catch (error) {
    throw oauthError(`cannot reach the registration endpoint ${where(metadata.registration_endpoint)} (${(error as Error).message})`, undefined, error);
  }
  const body = (await response.json().catch(() => undefined)) as { client_id?: unknown; client_secret?: unknown; token_endpoint_auth_method?: unknown } | undefined;
  if (!response.ok || typeof body?.client_id !== 'string') {
    throw oauthError(`dynamic client registration at ${where(metadata.registration_endpoint)} failed (HTTP ${response.status})`, 'Register Patchbay with the provider and pass --client-id.');
  }
  const secret = typeof body.client_secret === 'string' ? body.client_secret : undefined;
  const told = body.token_endpoint_auth_method;
  const authMethod: TokenEndpointAuthMethod =
    told === 'none' || told === 'client_secret_basic' || told === 'client_secret_post' ? told : secret ? methodForSecret(metadata) : 'none';
  return { clientId: body.client_id, ...(secret ? { clientSecret: secret } : {}), authMethod, source: 'dynamic', redirectUris: [redirectUri] };
}
