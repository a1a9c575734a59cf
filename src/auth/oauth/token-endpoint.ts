/**
 * Requests to the token endpoint (OAuth 2.1 §3.2, RFC 8707 `resource`, RFC 6749 §6 refresh).
 * The answer becomes a record with an absolute expiry; an error says what the server said
 * (its `error` code and description), never what was sent.
 */
import { oauthError, where } from './errors.js';
import type { OAuthClientIdentity, OAuthTokenRecord } from './token-store.js';

type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

export class TokenEndpointError extends Error {
  constructor(
    readonly status: number,
    readonly error: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'TokenEndpointError';
  }
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
}

function formBody(client: OAuthClientIdentity, params: Record<string, string>): { headers: Record<string, string>; body: URLSearchParams } {
  const body = new URLSearchParams(params);
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
  if (client.authMethod === 'client_secret_basic' && client.clientSecret) {
    // RFC 6749 §2.3.1: each part form-urlencoded before base64.
    const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
    headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    body.set('client_id', client.clientId);
    if (client.authMethod === 'client_secret_post' && client.clientSecret) body.set('client_secret', client.clientSecret);
  }
  return { headers, body };
}

export async function requestToken(tokenEndpoint: string, client: OAuthClientIdentity, params: Record<string, string>, fetcher: Fetch = fetch): Promise<TokenResponse> {
  const { headers, body } = formBody(client, params);
  let response: Response;
  try {
    response = await fetcher(tokenEndpoint, { method: 'POST', headers, body, redirect: 'error' });
  } catch (error) {
    throw oauthError(`cannot reach the token endpoint ${where(tokenEndpoint)} (${(error as Error).message})`, 'Check your network and try again.', error);
  }
  const json = (await response.json().catch(() => undefined)) as (Partial<TokenResponse> & { error?: unknown; error_description?: unknown }) | undefined;
  if (!response.ok || typeof json?.access_token !== 'string') {
    const code = typeof json?.error === 'string' ? json.error : undefined;
    const description = typeof json?.error_description === 'string' ? `: ${json.error_description.slice(0, 200)}` : '';
    throw new TokenEndpointError(response.status, code, `the token endpoint ${where(tokenEndpoint)} answered HTTP ${response.status}${code ? ` ${code}` : ''}${description}`);
  }
  if (typeof json.token_type !== 'string' || json.token_type.toLowerCase() !== 'bearer') {
    throw oauthError(`the token endpoint ${where(tokenEndpoint)} issued a "${String(json.token_type)}" token; only Bearer tokens are supported`);
  }
  return json as TokenResponse;
}

/** The record for a fresh token response; a refresh that returns no new refresh token keeps the old one (RFC 6749 §6). */
export function recordFrom(
  response: TokenResponse,
  base: Pick<OAuthTokenRecord, 'serverUrl' | 'resource' | 'issuer' | 'tokenEndpoint' | 'client'> & { refreshToken?: string; scope?: string },
  now = Date.now(),
): OAuthTokenRecord {
  const expiresIn = Number(response.expires_in);
  const refreshToken = response.refresh_token ?? base.refreshToken;
  const scope = response.scope ?? base.scope;
  return {
    version: 1,
    serverUrl: base.serverUrl,
    resource: base.resource,
    issuer: base.issuer,
    tokenEndpoint: base.tokenEndpoint,
    client: base.client,
    accessToken: response.access_token,
    tokenType: 'Bearer',
    ...(refreshToken ? { refreshToken } : {}),
    ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresAt: now + expiresIn * 1000 } : {}),
    ...(scope ? { scope } : {}),
    obtainedAt: now,
  };
}
