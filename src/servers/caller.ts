/**
 * Who is calling a built-in server's tool. Run by the hub in its own process
 * (src/hub/upstream/in-process.ts), each tools/call arrives with the gateway's client name as
 * the message's auth info; run alone on stdio there is none, and the server's own client token
 * names the caller at the proxy instead.
 */
import type { ServerContext } from '@modelcontextprotocol/server';

export function callerOf(ctx: ServerContext): string | undefined {
  const id = ctx.http?.authInfo?.clientId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
