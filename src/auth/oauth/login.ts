/**
 * One interactive login (OAuth 2.1 authorization code with PKCE, MCP 2025-11-25
 * basic/authorization): discovery, the client identity, the authorization URL with `state`, a
 * S256 challenge and the `resource`, the callback checked (`state`, RFC 9207 `iss`), the code
 * exchanged with the same `resource`. The caller holds the token store's lock and writes the record.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { checkedEndpoint } from './browser.js';
import { listenForCallback } from './callback.js';
import { clientIdentity, type ClientSettings } from './client-identity.js';
import { discover, type Challenge, type Discovery } from './discovery.js';
import { oauthError, where } from './errors.js';
import { recordFrom, requestToken } from './token-endpoint.js';
import type { OAuthClientIdentity, OAuthTokenRecord } from './token-store.js';

type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface LoginSettings extends ClientSettings {
  /** A fixed callback port; default any free one. */
  callbackPort?: number;
  /** Log in even when the authorization server does not advertise PKCE S256 (it is still sent). */
  allowMissingPkce?: boolean;
}

/**
 * Gets the user to the authorization URL and returns the URL the browser was redirected to.
 * `callback` resolves when the loopback listener receives it (a browser on this machine).
 */
export type UserAgent = (authorizationUrl: URL, callback: Promise<string>) => Promise<string>;

export interface LoginRequest {
  server: string;
  serverUrl: string;
  challenge?: Challenge;
  /** Scopes to ask for on top of the chosen ones (step-up: those the server asked for). */
  extraScope?: string;
  settings: LoginSettings;
  previousClient?: OAuthClientIdentity;
  userAgent: UserAgent;
  fetch?: Fetch;
}

const b64url = (buffer: Buffer) => buffer.toString('base64url');

function mergeScopes(...lists: (string | undefined)[]): string | undefined {
  const out = new Set<string>();
  for (const list of lists) for (const s of (list ?? '').split(/\s+/)) if (s) out.add(s);
  return out.size ? [...out].join(' ') : undefined;
}

/** MCP 2025-11-25 "Scope Selection Strategy": the challenge's scope, else the resource's scopes_supported, else none; offline_access when the server lists it (SEP-2207). */
export function chooseScope(discovery: Discovery, challenge?: Challenge, extra?: string): string | undefined {
  const base = challenge?.params.scope ?? discovery.resourceMetadata?.scopes_supported?.join(' ');
  const offline = discovery.metadata.scopes_supported?.includes('offline_access') ? 'offline_access' : undefined;
  return mergeScopes(base, extra, base || extra ? offline : undefined);
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks the redirect the browser landed on; returns the code. */
export function checkCallback(callbackText: string, expected: { state: string; issuer: string; redirectUri: string; issRequired: boolean }): string {
  let url: URL;
  try {
    url = new URL(callbackText.trim());
  } catch {
    throw oauthError('the pasted text is not the URL the browser was redirected to', 'Copy the whole address from the browser bar after the login and paste it.');
  }
  const redirect = new URL(expected.redirectUri);
  if (url.origin !== redirect.origin || url.pathname !== redirect.pathname) throw oauthError(`the callback went to ${where(url)}, not ${where(redirect)}; refused`);
  const state = url.searchParams.get('state');
  if (!state || !equal(state, expected.state)) {
    throw oauthError('the login callback has a missing or wrong state; refused (it may be a forged request)', 'Start the login again from Patchbay and finish it in the same browser window.');
  }
  const iss = url.searchParams.get('iss');
  // RFC 9207 §2.4: simple string comparison, no normalization (SEP-2468).
  if (iss !== null ? !equal(iss, expected.issuer) : expected.issRequired) {
    throw oauthError(`the login callback names ${iss === null ? 'no issuer' : `issuer ${where(iss)}`}, expected ${where(expected.issuer)}; refused (RFC 9207 mix-up protection)`);
  }
  const error = url.searchParams.get('error');
  if (error) {
    const description = url.searchParams.get('error_description');
    throw oauthError(`the authorization server refused the login: ${error.slice(0, 100)}${description ? ` (${description.slice(0, 200)})` : ''}`);
  }
  const code = url.searchParams.get('code');
  if (!code) throw oauthError('the login callback carries no authorization code');
  return code;
}

export async function runLogin(request: LoginRequest): Promise<OAuthTokenRecord> {
  const fetcher = request.fetch ?? fetch;
  const discovery = await discover(request.serverUrl, request.challenge, fetcher);
  const { metadata } = discovery;
  const authorizationEndpoint = checkedEndpoint(metadata.authorization_endpoint, 'authorization_endpoint');
  const tokenEndpoint = checkedEndpoint(metadata.token_endpoint, 'token_endpoint');
  // MCP 2025-11-25: a client MUST refuse when code_challenge_methods_supported is absent (PKCE
  // support cannot be confirmed). The 2025-03-26 fallback has no metadata; that revision made PKCE mandatory for every server.
  if (!discovery.defaultEndpoints && !metadata.code_challenge_methods_supported?.includes('S256') && !request.settings.allowMissingPkce) {
    throw oauthError(
      `the authorization server ${where(metadata.issuer)} does not advertise PKCE S256 (code_challenge_methods_supported); no login was started`,
      `If you trust it anyway, set "oauth": {"allowMissingPkce": true} in the entry of ${request.server}.`,
    );
  }
  const listener = await listenForCallback(request.settings.callbackPort ?? 0);
  try {
    const client = await clientIdentity(metadata, request.settings, listener.redirectUri, request.previousClient, fetcher);
    const verifier = b64url(randomBytes(32));
    const state = b64url(randomBytes(32));
    const scope = chooseScope(discovery, request.challenge, request.extraScope);
    const url = new URL(authorizationEndpoint.href);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', client.clientId);
    url.searchParams.set('redirect_uri', listener.redirectUri);
    url.searchParams.set('code_challenge', b64url(createHash('sha256').update(verifier).digest()));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('state', state);
    url.searchParams.set('resource', discovery.resource);
    if (scope) url.searchParams.set('scope', scope);
    const callback = await request.userAgent(url, listener.next);
    const code = checkCallback(callback, {
      state,
      issuer: metadata.issuer,
      redirectUri: listener.redirectUri,
      issRequired: metadata.authorization_response_iss_parameter_supported === true,
    });
    const response = await requestToken(
      tokenEndpoint.href,
      client,
      { grant_type: 'authorization_code', code, redirect_uri: listener.redirectUri, code_verifier: verifier, resource: discovery.resource },
      fetcher,
    );
    return recordFrom(response, { serverUrl: request.serverUrl, resource: discovery.resource, issuer: metadata.issuer, tokenEndpoint: tokenEndpoint.href, client, scope });
  } finally {
    listener.close();
  }
}
