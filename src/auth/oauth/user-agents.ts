/**
 * The two ways a person finishes a login: the browser on this machine (opened with the checked
 * URL as the only argument, no shell; the redirect lands on the 127.0.0.1 listener), or headless
 * (`--no-browser`, SSH, containers): the URL is printed and the address the browser ended on is
 * pasted back. In both, whichever arrives first wins: a browser that can reach the listener
 * needs no paste.
 */
import { createInterface } from 'node:readline';
import { checkedEndpoint, openBrowser } from './browser.js';
import { oauthError } from './errors.js';
import type { UserAgent } from './login.js';

const LOGIN_TIMEOUT_MS = 5 * 60_000;

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(oauthError(`the login was not finished within ${ms / 60_000} minutes`, 'Run the login again.')), ms).unref());
}

function pasted(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): { line: Promise<string>; close(): void } {
  const rl = createInterface({ input, output, terminal: false });
  output.write('After logging in, paste the address your browser ended on (it starts with http://127.0.0.1):\n');
  const line = new Promise<string>((resolve, reject) => {
    rl.once('line', (text) => resolve(text));
    rl.once('close', () => reject(oauthError('no redirect URL was pasted (input closed)', 'Run the login again and paste the address from the browser.')));
  });
  return { line, close: () => rl.close() };
}

/** `paste: false`: never read stdin (a hub whose stdin is the MCP channel); wait for the callback only. */
export function browserUserAgent(options: { stderr?: NodeJS.WritableStream; stdin?: NodeJS.ReadableStream; noBrowser?: boolean; paste?: boolean } = {}): UserAgent {
  const stderr = options.stderr ?? process.stderr;
  const stdin = options.stdin ?? process.stdin;
  return async (authorizationUrl, callback) => {
    const url = checkedEndpoint(authorizationUrl.href, 'authorization URL');
    let opened = false;
    if (!options.noBrowser) {
      stderr.write(`Opening your browser to log in: ${url.origin}${url.pathname}\n`);
      opened = await openBrowser(url);
    }
    if (opened || options.paste === false) {
      stderr.write(`If it did not open, visit:\n  ${url.href}\n`);
      return Promise.race([callback, timeout(LOGIN_TIMEOUT_MS)]);
    }
    stderr.write(`Open this URL in a browser to log in:\n  ${url.href}\n`);
    const paste = pasted(stdin, stderr);
    try {
      return await Promise.race([callback, paste.line, timeout(LOGIN_TIMEOUT_MS)]);
    } finally {
      paste.close();
    }
  };
}
