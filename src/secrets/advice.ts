/**
 * What to tell a user whose server URL carries credentials (`https://user:pass@host/…`,
 * `?api_key=…`): fetch refuses a URL with a user name and password, and a key in the query
 * string ends up in every log and error that quotes the URL. A header carries either safely.
 */
import { urlCredentialSpans } from './rules/patchbay-rules.js';

export function hasUrlCredentials(url: string): boolean {
  return urlCredentialSpans(url).length > 0;
}

export function hasUserinfoPassword(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]*:[^/?#@\s]*@/i.test(url.trim());
}

export function urlCredentialAdvice(url: string): string | undefined {
  if (hasUserinfoPassword(url)) {
    return 'The URL carries a user name and password, which HTTP clients (fetch) refuse to send. Put them in a header instead: patchbay secrets set NAME (the base64 of user:password), then -H "Authorization: Basic ${secret:NAME}", and drop them from the URL.';
  }
  if (hasUrlCredentials(url)) {
    return 'The URL carries a key in its query string, which ends up in logs and error messages. If the server accepts a header, use one instead: patchbay secrets set NAME, then -H "Authorization: Bearer ${secret:NAME}" (or the header it documents).';
  }
  return undefined;
}
