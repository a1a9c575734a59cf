/**
 * The redirect target of a login: `http://127.0.0.1:PORT/callback` (RFC 8252 §7.3: loopback IP
 * literal, any port), listening only on the loopback interface and only until one request with
 * `code` or `error` arrives. A fixed port (`oauth.callbackPort`, for providers that register exact
 * redirect URIs) that is busy is an error naming the port, never a silent switch to another.
 */
import { createServer, type Server } from 'node:http';
import { oauthError } from './errors.js';

export interface CallbackListener {
  redirectUri: string;
  /** The full callback URL the browser was sent to. */
  next: Promise<string>;
  close(): void;
}

export function listenForCallback(port = 0): Promise<CallbackListener> {
  let deliver!: (url: string) => void;
  const next = new Promise<string>((resolve) => (deliver = resolve));
  let origin = 'http://127.0.0.1';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== '/callback' || (!url.searchParams.has('code') && !url.searchParams.has('error'))) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    const ok = url.searchParams.has('code');
    res.writeHead(ok ? 200 : 400, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`<!doctype html><title>Patchbay</title><p>${ok ? 'Login received. You can close this window and go back to Patchbay.' : 'The login was refused; see Patchbay for details.'}</p>`);
    deliver(url.href);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? oauthError(`the OAuth callback port ${port} on 127.0.0.1 is busy`, `Stop what is listening on port ${port}, or change "oauth": {"callbackPort": …} in the server's entry (the provider must allow that redirect URI).`)
          : oauthError(`cannot listen for the OAuth callback on 127.0.0.1:${port} (${error.code ?? error.message})`),
      );
    });
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      origin = `http://127.0.0.1:${actual}`;
      resolve({ redirectUri: `http://127.0.0.1:${actual}/callback`, next, close: () => server.close() });
    });
  });
}
