/** The generated server's source: the server factory, the example tool, and the two entries. */
import type { ProjectInfo } from '../project-info.js';

export function serverTs(p: ProjectInfo): string {
  return `/**
 * Builds the MCP server: one McpServer per connection (stdio has one; HTTP one per session).
 * \`fixture: true\` adds what the official conformance suite calls (see fixture.ts).
 */
import { McpServer } from '@modelcontextprotocol/server';
import { registerConvertTemperature } from './tools/convert-temperature.js';
import { FIXTURE_CAPABILITIES, registerConformanceFixture } from './fixture.js';

export const SERVER_INFO = { name: '${p.name}', version: '${p.version}' };

export function createServer(options: { fixture?: boolean } = {}): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: options.fixture ? FIXTURE_CAPABILITIES : { tools: {} },
    instructions: '${p.description.replace(/'/g, "\\'")}',
  });
  registerConvertTemperature(server);
  if (options.fixture) registerConformanceFixture(server);
  return server;
}
`;
}

export const TOOL_TS = `/**
 * The example tool: annotated (it reads nothing and changes nothing), with an output schema, so
 * clients get \`structuredContent\` they can check; a bad request is an \`isError\` result the
 * model can read and correct, not a protocol error (MCP 2025-11-25, server/tools "Error Handling").
 */
import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

const UNIT = z.enum(['C', 'F', 'K']);
type Unit = z.infer<typeof UNIT>;

export function toKelvin(value: number, unit: Unit): number {
  return unit === 'K' ? value : unit === 'C' ? value + 273.15 : ((value - 32) * 5) / 9 + 273.15;
}

export function fromKelvin(kelvin: number, unit: Unit): number {
  return unit === 'K' ? kelvin : unit === 'C' ? kelvin - 273.15 : ((kelvin - 273.15) * 9) / 5 + 32;
}

export function registerConvertTemperature(server: McpServer): void {
  server.registerTool(
    'convert_temperature',
    {
      title: 'Convert a temperature',
      description: 'Converts a temperature between Celsius (C), Fahrenheit (F) and Kelvin (K).',
      inputSchema: z.object({
        value: z.number().describe('the temperature to convert'),
        from: UNIT.describe('its unit'),
        to: UNIT.describe('the unit wanted'),
      }),
      outputSchema: z.object({ value: z.number(), unit: UNIT }),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ value, from, to }) => {
      const kelvin = toKelvin(value, from);
      if (kelvin < 0) {
        return { isError: true, content: [{ type: 'text', text: \`\${value} °\${from} is below absolute zero; nothing is colder than 0 K.\` }] };
      }
      const result = { value: Math.round(fromKelvin(kelvin, to) * 100) / 100, unit: to };
      return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
    },
  );
}
`;

export const STDIO_TS = `#!/usr/bin/env node
/** The stdio entry: what hosts (and \`patchbay mcp add\`) launch. \`--fixture\` adds the conformance fixture. */
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { createServer } from './server.js';

const server = createServer({ fixture: process.argv.includes('--fixture') });
await server.connect(new StdioServerTransport());
// stdout carries the protocol; anything for people goes to stderr.
process.stderr.write('ready on stdio\\n');
`;

export function httpTs(p: ProjectInfo): string {
  return `#!/usr/bin/env node
/**
 * The Streamable HTTP entry, on 127.0.0.1 only. Host and Origin are checked on every request
 * (DNS rebinding: a web page must not reach a local server through a name it controls), and each
 * session gets its own server. \`--port N\` (default ${p.httpPort}; 0 picks a free one), \`--fixture\`
 * adds the conformance fixture. Prints \`listening on URL\` once ready.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localhostHostValidation, localhostOriginValidation, NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { createServer } from './server.js';

const args = process.argv.slice(2);
const portFlag = args.indexOf('--port');
const port = portFlag === -1 ? ${p.httpPort} : Number(args[portFlag + 1]);
const fixture = args.includes('--fixture');

const hostAllowed = localhostHostValidation();
const originAllowed = localhostOriginValidation();
const sessions = new Map<string, NodeStreamableHTTPServerTransport>();

const http = createHttpServer(async (req, res) => {
  // Each check answers 403 itself when it fails.
  if (!hostAllowed(req, res) || !originAllowed(req, res)) return;
  if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/mcp') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the MCP endpoint is /mcp\\n');
    return;
  }
  const id = req.headers['mcp-session-id'];
  let transport = typeof id === 'string' ? sessions.get(id) : undefined;
  if (!transport) {
    if (typeof id === 'string') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
      return;
    }
    const created = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => void sessions.set(sessionId, created),
      onsessionclosed: (sessionId) => void sessions.delete(sessionId),
    });
    created.onclose = () => {
      if (created.sessionId) sessions.delete(created.sessionId);
    };
    await createServer({ fixture }).connect(created);
    transport = created;
  }
  await transport.handleRequest(req, res);
});

http.listen(port, '127.0.0.1', () => {
  const { port: bound } = http.address() as AddressInfo;
  process.stdout.write(\`listening on http://127.0.0.1:\${bound}/mcp\\n\`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => http.close(() => process.exit(0)));
`;
}
