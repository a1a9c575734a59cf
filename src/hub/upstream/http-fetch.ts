/**
 * The fetch the SDK's HTTP transports use for one upstream. Two jobs:
 * 1. Each request gets its own AbortSignal. The SDK hands every fetch the same connection-wide
 *    signal, and undici adds an abort listener to it per request that is only dropped when the
 *    signal is collected: a long-lived hub piles up listeners (MaxListenersExceededWarning; one
 *    hub saw ~39,500). Here the connection signal gets one listener per request *in flight*,
 *    removed when the response body ends, and fetch only ever sees the per-request signal.
 * 2. It remembers the last failing HTTP status and whether the server asked for authentication
 *    (401, or 403 with a `WWW-Authenticate` challenge; RFC 9110 §11.6.1, MCP 2025-11-25
 *    basic/authorization), which the SDK's errors do not always carry.
 */
export interface HttpFacts {
  httpStatus?: number;
  needsAuth?: boolean;
  wwwAuthenticate?: string;
  error?: Error;
}

export interface RecordingFetch {
  fetch: (input: string | URL, init?: RequestInit) => Promise<Response>;
  facts(): HttpFacts;
  /** Requests whose response body has not ended yet. */
  inFlight(): number;
}

export function createRecordingFetch(): RecordingFetch {
  const facts: HttpFacts = {};
  let inFlight = 0;

  async function recordingFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    const outer = init.signal ?? undefined;
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener('abort', onAbort, { once: true });
    inFlight++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight--;
      outer?.removeEventListener('abort', onAbort);
    };

    let response: Response;
    try {
      response = await fetch(input, { ...init, signal: controller.signal });
    } catch (error) {
      release();
      if (!controller.signal.aborted) facts.error = error instanceof Error ? error : new Error(String(error));
      throw error;
    }
    if (!response.ok) {
      facts.httpStatus = response.status;
      const challenge = response.headers.get('www-authenticate') ?? undefined;
      if (response.status === 401 || (response.status === 403 && challenge)) {
        facts.needsAuth = true;
        facts.wwwAuthenticate = challenge;
      }
    }
    if (!response.body) {
      release();
      return response;
    }
    const wrapped = new Response(releaseOnEnd(response.body, release), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // The SDK's redirect policy reads the final URL.
    Object.defineProperty(wrapped, 'url', { value: response.url });
    Object.defineProperty(wrapped, 'redirected', { value: response.redirected });
    return wrapped;
  }

  return { fetch: recordingFetch, facts: () => ({ ...facts }), inFlight: () => inFlight };
}

/** A view of `body` that calls `release` once it ends, fails or is cancelled. */
function releaseOnEnd(body: ReadableStream<Uint8Array>, release: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    async cancel(reason) {
      release();
      await reader.cancel(reason);
    },
  });
}
