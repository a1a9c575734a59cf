/**
 * Login errors. They name the server, the URL (origin and path only) and what to do; they never
 * carry a token, a code, a client secret or a full query string.
 */
import { PatchbayError } from '../../errors.js';

export function oauthError(message: string, hint?: string, cause?: unknown): PatchbayError {
  return new PatchbayError('OAUTH', message, { hint, cause });
}

/** `https://host/path` without query, fragment or userinfo, for messages. */
export function where(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}

/** The server needs a login and this process may not start one (a hub under a host, `mcp list`). */
export class LoginRequiredError extends PatchbayError {
  constructor(readonly server: string, reason: string) {
    super('OAUTH_LOGIN_REQUIRED', `${server} needs a login (${reason})`, { hint: `Run: patchbay mcp login ${server}` });
  }
}
