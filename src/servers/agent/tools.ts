/**
 * `claude_code(prompt, cwd, allowed_tools?, model?)`: Claude Code as a tool (./claude-run.ts),
 * `cwd` inside the server's roots, progress from its stream-json events, cancellation and the
 * timeout ending its whole process group.
 */
import { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { redactKnownSecrets } from '../../secrets/redact/index.js';
import { OutsideRootsError, type Roots } from '../roots.js';
import { runClaude } from './claude-run.js';

export interface AgentServerOptions {
  roots: Roots;
  gateway: { url: string; token: string };
  proxy: { url: string; token: string };
  timeoutMs: number;
  command?: string;
  env?: NodeJS.ProcessEnv;
}

export function createAgentMcpServer(options: AgentServerOptions): McpServer {
  const server = new McpServer({ name: 'patchbay-agent', version: '0.1.0' });
  server.registerTool('claude_code', {
    title: 'Claude Code',
    description: 'Run Claude Code non-interactively in a directory; its tools are Patchbay\'s gateway only, its permissions are never bypassed.',
    inputSchema: z.object({ prompt: z.string().min(1), cwd: z.string(), allowed_tools: z.array(z.string()).optional(), model: z.string().optional() }),
  }, async ({ prompt, cwd, allowed_tools, model }, ctx) => {
    try {
      const dir = options.roots.resolve(cwd, 'cwd');
      const token = ctx.mcpReq._meta?.progressToken;
      let progress = 0;
      const r = await runClaude({
        prompt, cwd: dir, gateway: options.gateway, proxy: options.proxy, timeoutMs: options.timeoutMs, signal: ctx.mcpReq.signal,
        ...(allowed_tools ? { allowedTools: allowed_tools } : {}), ...(model ? { model } : {}),
        ...(options.command ? { command: options.command } : {}), ...(options.env ? { env: options.env } : {}),
        onEvent: (event) => {
          if (token === undefined) return;
          void ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: ++progress, message: String(event.type) } }).catch(() => undefined);
        },
      });
      if (r.timedOut) return error(`Claude Code did not finish within ${options.timeoutMs / 1000} s; its process group was killed`);
      if (r.exitCode !== 0) return error(`Claude Code exited with ${r.exitCode}: ${r.stderr.trim().slice(0, 500)}`);
      return { content: [{ type: 'text' as const, text: r.result ?? '(no result)' }] };
    } catch (e) {
      return error(e instanceof OutsideRootsError ? e.message : (e as Error).message);
    }
  });
  const error = (message: string) => ({ content: [{ type: 'text' as const, text: redactKnownSecrets(message, [options.gateway.token, options.proxy.token]) }], isError: true });
  return server;
}
