/**
 * Opening the authorization URL. CVE-2025-6514 (mcp-remote) handed a server-chosen
 * `authorization_endpoint` to a shell; here the URL is checked first (http or https only, https
 * unless loopback, no userinfo, no whitespace or control characters, nothing a shell or an
 * argument parser could read as syntax) and then given to the opener as its single argument,
 * spawned without a shell. `PATCHBAY_BROWSER` (else `BROWSER`) names the opener program.
 */
import { spawn } from 'node:child_process';
import { oauthError, where } from './errors.js';
import { isLoopback } from './discovery.js';

/** The endpoint as a URL the browser may get, or an OAUTH error saying why it may not. */
export function checkedEndpoint(text: unknown, what: string): URL {
  if (typeof text !== 'string' || text === '') throw oauthError(`the authorization server gave no ${what}`);
  // new URL() silently drops tabs and newlines and trims spaces: refuse them before parsing.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\s`$"'\\<>|;]/u.test(text) || !/^https?:\/\//i.test(text)) {
    throw oauthError(`the authorization server's ${what} is not a plain http(s) URL; it was not opened`, 'This is what an attack on the login looks like (CVE-2025-6514). Tell the server operator.');
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw oauthError(`the authorization server's ${what} is not a valid URL; it was not opened`);
  }
  if (url.username || url.password) throw oauthError(`the authorization server's ${what} carries a user name or password (${where(url)}); it was not opened`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw oauthError(`the authorization server's ${what} ${where(url)} is not https; it was not opened`, 'OAuth 2.1 requires TLS for every endpoint except loopback ones.');
  }
  return url;
}

function defaultOpener(): { command: string; args: string[] } {
  const custom = process.env.PATCHBAY_BROWSER || process.env.BROWSER;
  if (custom) return { command: custom, args: [] };
  if (process.platform === 'darwin') return { command: 'open', args: [] };
  if (process.platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler'] };
  return { command: 'xdg-open', args: [] };
}

/** Opens `url` (already checked) in the user's browser; resolves false when no opener could run. */
export function openBrowser(url: URL): Promise<boolean> {
  const { command, args } = defaultOpener();
  return new Promise((resolve) => {
    const child = spawn(command, [...args, url.href], { stdio: 'ignore', shell: false, detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
