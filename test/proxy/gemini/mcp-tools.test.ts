/**
 * The tool schemas of real MCP servers (server-everything and server-filesystem, run as child
 * processes and listed with the official MCP client) as Gemini function declarations: each is
 * either inside Gemini's OpenAPI subset or sent as plain JSON Schema, never a shape Gemini rejects.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../../../src/proxy/anthropic-types.js';
import { toGeminiRequest } from '../../../src/proxy/gemini/index.js';
import type { GeminiSchema } from '../../../src/proxy/gemini/types.js';
import { createToolNameMap } from '../../../src/proxy/tool-names.js';

const bin = (name: string) => fileURLToPath(new URL(`../../../node_modules/@modelcontextprotocol/${name}/dist/index.js`, import.meta.url));

async function listTools(args: string[]): Promise<Array<{ name: string; description?: string; inputSchema: Record<string, unknown> }>> {
  const client = new Client({ name: 'patchbay-gemini-test', version: '0.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args, env: { ...(process.env as Record<string, string>) }, stderr: 'pipe' }));
  try {
    return (await client.listTools()).tools as Array<{ name: string; description?: string; inputSchema: Record<string, unknown> }>;
  } finally {
    await client.close();
  }
}

const ALLOWED = new Set(['type', 'format', 'title', 'description', 'nullable', 'enum', 'items', 'minItems', 'maxItems', 'properties', 'required',
  'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'anyOf', 'propertyOrdering']);

function subsetProblems(node: GeminiSchema, path: string): string[] {
  const out: string[] = [];
  for (const key of Object.keys(node)) if (!ALLOWED.has(key)) out.push(`${path}.${key}`);
  if (node.type === 'OBJECT' && (!node.properties || Object.keys(node.properties).length === 0)) out.push(`${path}: OBJECT without properties`);
  if (node.type === 'ARRAY' && !node.items) out.push(`${path}: ARRAY without items`);
  if (!node.type && !node.anyOf) out.push(`${path}: no type`);
  for (const r of node.required ?? []) if (!node.properties?.[r]) out.push(`${path}: required ${r} is not a property`);
  for (const [k, v] of Object.entries(node.properties ?? {})) out.push(...subsetProblems(v, `${path}.${k}`));
  if (node.items) out.push(...subsetProblems(node.items, `${path}.items`));
  (node.anyOf ?? []).forEach((b, i) => out.push(...subsetProblems(b, `${path}.anyOf[${i}]`)));
  return out;
}

describe('real MCP tool schemas as Gemini function declarations', () => {
  it('declares every tool of server-everything and server-filesystem in a form Gemini accepts', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pb-gemini-fs-'));
    const tools = [
      ...(await listTools([bin('server-everything'), 'stdio'])).map((t) => ({ ...t, name: `mcp__everything__${t.name}` })),
      ...(await listTools([bin('server-filesystem'), root])).map((t) => ({ ...t, name: `mcp__filesystem__${t.name}` })),
    ];
    expect(tools.length).toBeGreaterThan(20);
    const request: MessagesRequest = {
      model: 'claude-opus-4-8', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }],
      tools: tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema })),
    };
    const names = createToolNameMap(tools.map((t) => t.name));
    const declarations = toGeminiRequest(request, 'gemini-2.5-pro', names).tools![0]!.functionDeclarations;
    expect(declarations).toHaveLength(tools.length);
    const problems: string[] = [];
    let jsonSchemaCount = 0;
    for (const d of declarations) {
      expect(d.name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/);
      expect(names.fromUpstream(d.name)).toMatch(/^mcp__/);
      if (d.parametersJsonSchema) {
        jsonSchemaCount++;
        expect(d.parameters).toBeUndefined();
        expect(d.parametersJsonSchema).not.toHaveProperty('$schema');
      } else if (d.parameters) {
        problems.push(...subsetProblems(d.parameters, d.name));
      }
    }
    expect(problems).toEqual([]);
    // Most tools fit the subset; the few with free-form values travel as JSON Schema.
    expect(jsonSchemaCount).toBeLessThan(declarations.length / 2);
  });
});
