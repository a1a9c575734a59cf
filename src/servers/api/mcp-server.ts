/**
 * The MCP face of an API. A small spec gets one tool per operation; a large one three tools —
 * api_search, api_describe, api_call — so hundreds of operations never flood the model's
 * context. Tool schemas are the spec's, converted (spec/schema.ts), so the low-level SDK Server
 * lists them as they are rather than through zod. Annotations follow the HTTP method: GET, HEAD
 * and OPTIONS are readOnlyHint; every other method destructiveHint (clients must not trust
 * annotations, MCP 2025-11-25 server/tools — the server itself refuses writes unless allowed).
 */
import { Server, type Tool } from '@modelcontextprotocol/server';
import type { ApiService, PreparedOperation } from './service.js';
import { METHODS } from './spec/operations.js';

const SEARCH_LIMIT_MAX = 50;

interface ListedTool {
  name: string;
  title?: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations: Record<string, unknown>;
}

export function createApiMcpServer(service: ApiService, options: { name: string; allowWrites: boolean }): Server {
  const server = new Server(
    { name: `patchbay-api-${options.name}`, version: '0.1.0' },
    {
      capabilities: { tools: {} },
      instructions:
        `${service.title}: ${service.operations.length} operations${service.mode === 'search' ? ', found with api_search and called with api_call' : ''}. ` +
        (options.allowWrites ? 'Writes are allowed.' : 'Read-only: operations that change data are refused.'),
    },
  );
  const tools = service.mode === 'tools' ? service.operations.map((op) => operationTool(op, options.allowWrites)) : searchTools(options.allowWrites);
  // The schemas are plain JSON Schema objects built by spec/schema.ts; the SDK's Tool type only
  // narrows their shape.
  server.setRequestHandler('tools/list', async () => ({ tools: tools as unknown as Tool[] }));
  server.setRequestHandler('tools/call', async (request) => {
    const { name, arguments: args = {} } = request.params;
    if (service.mode === 'tools') {
      const op = service.find(name);
      if (!op || op.toolName !== name) return errorResult(`Unknown tool ${name}`);
      return textResult(await service.call(op, args));
    }
    return callSearchTool(service, name, args);
  });
  return server;
}

function operationTool(op: PreparedOperation, allowWrites: boolean): ListedTool {
  const { model } = op;
  const head = `${model.method.toUpperCase()} ${model.path}${model.summary ? ` — ${model.summary}` : ''}`;
  const body = model.description && model.description !== model.summary ? `\n\n${model.description.slice(0, 1000)}` : '';
  const refused = !model.readOnly && !allowWrites ? '\n\n(Changes data: refused while this server is read-only.)' : '';
  return {
    name: op.toolName,
    ...(model.summary ? { title: model.summary.slice(0, 120) } : {}),
    description: `${head}${body}${refused}`,
    inputSchema: op.inputSchema,
    annotations: model.readOnly ? { readOnlyHint: true, openWorldHint: true } : { readOnlyHint: false, destructiveHint: true, idempotentHint: ['put', 'delete'].includes(model.method), openWorldHint: true },
  };
}

const GROUPS = {
  path: { type: 'object', description: 'path parameters by name' },
  query: { type: 'object', description: 'query parameters by name' },
  headers: { type: 'object', description: 'header parameters by name (never Authorization, Cookie or Host)' },
  cookies: { type: 'object', description: 'cookie parameters by name' },
};

function searchTools(allowWrites: boolean): ListedTool[] {
  return [
    {
      name: 'api_search',
      description: 'Find operations of this API: full-text over operation ids, summaries, descriptions, paths, tags and parameter names. Then api_describe one, then api_call it.',
      inputSchema: {
        type: 'object',
        properties: {
          query: { type: 'string', description: 'words to look for, e.g. "pet status"' },
          tag: { type: 'string', description: 'only operations with this tag' },
          method: { type: 'string', enum: METHODS.map((m) => m.toUpperCase()) },
          limit: { type: 'integer', minimum: 1, maximum: SEARCH_LIMIT_MAX, default: 10 },
        },
        required: ['query'],
        additionalProperties: false,
      },
      outputSchema: {
        type: 'object',
        properties: {
          results: {
            type: 'array',
            items: {
              type: 'object',
              properties: { operation_id: { type: 'string' }, method: { type: 'string' }, path: { type: 'string' }, summary: { type: 'string' }, access: { type: 'string', enum: ['read', 'write'] } },
              required: ['operation_id', 'method', 'path', 'access'],
            },
          },
        },
        required: ['results'],
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    {
      name: 'api_describe',
      description: "One operation: its input schema (the groups api_call takes), an example, whether it reads or writes, and the scopes it needs.",
      inputSchema: { type: 'object', properties: { operation_id: { type: 'string' } }, required: ['operation_id'], additionalProperties: false },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    {
      name: 'api_call',
      description:
        'Call one operation by its operation_id with the arguments api_describe shows, grouped as path, query, headers, cookies and body. Checked against the spec before anything is sent.' +
        (allowWrites ? '' : ' Operations that change data are refused (read-only).'),
      inputSchema: {
        type: 'object',
        properties: { operation_id: { type: 'string' }, ...GROUPS, body: { description: 'the request body, as api_describe shows it' } },
        required: ['operation_id'],
        additionalProperties: false,
      },
      annotations: allowWrites ? { readOnlyHint: false, destructiveHint: true, openWorldHint: true } : { readOnlyHint: true, openWorldHint: true },
    },
  ];
}

async function callSearchTool(service: ApiService, name: string, args: Record<string, unknown>) {
  if (name === 'api_search') {
    if (typeof args.query !== 'string') return errorResult('query: a string is required');
    const method = typeof args.method === 'string' ? (args.method.toLowerCase() as (typeof METHODS)[number]) : undefined;
    if (method && !METHODS.includes(method)) return errorResult(`method: must be one of ${METHODS.join(', ').toUpperCase()}`);
    const limit = typeof args.limit === 'number' ? Math.min(SEARCH_LIMIT_MAX, Math.max(1, Math.floor(args.limit))) : 10;
    const hits = service.index.search(args.query, { ...(typeof args.tag === 'string' ? { tag: args.tag } : {}), ...(method ? { method } : {}), limit });
    const results = hits.map(({ operation: op }) => ({
      operation_id: op.key,
      method: op.method.toUpperCase(),
      path: op.path,
      ...(op.summary ? { summary: op.summary } : {}),
      access: op.readOnly ? 'read' : 'write',
    }));
    const text = results.length === 0 ? `No operation matches "${args.query}".` : JSON.stringify(results, null, 2);
    return { content: [{ type: 'text' as const, text }], structuredContent: { results } };
  }
  const id = args.operation_id;
  if (typeof id !== 'string') return errorResult('operation_id: a string is required (from api_search)');
  const op = service.find(id);
  if (!op) return errorResult(`No operation "${id}"; api_search finds operation ids.`);
  if (name === 'api_describe') return { content: [{ type: 'text' as const, text: JSON.stringify(service.describe(op), null, 2) }] };
  if (name === 'api_call') {
    const { operation_id: _id, ...rest } = args;
    return textResult(await service.call(op, rest));
  }
  return errorResult(`Unknown tool ${name}`);
}

function textResult(outcome: { text: string; isError: boolean }) {
  return { content: [{ type: 'text' as const, text: outcome.text }], ...(outcome.isError ? { isError: true } : {}) };
}

function errorResult(text: string) {
  return { content: [{ type: 'text' as const, text }], isError: true };
}
