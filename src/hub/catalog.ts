/**
 * The aggregated catalog: every ready server's tools, prompts, resources and resource templates
 * under one namespace, with the entry's policy applied (allowTools, denyTools, prefix). Built
 * from scratch whenever one server's lists change — a pure function of the lists, so what the
 * catalog says can always be explained from what the servers said.
 *
 * Collisions are never resolved silently: when two servers end up offering the same name (or
 * the same resource URI), both are withheld and each server's status names the other, because
 * picking one would route a model's call to a tool it did not choose.
 */
import { UriTemplate } from '@modelcontextprotocol/client';
import type { PatchbayEntryOptions } from '../config/types.js';
import type { GuardedItem, GuardedKind } from './guard.js';
import { capDefinition } from './definition-size.js';
import { namespacedName } from './names.js';
import { exposeToolUi, exposeUiUri, isUiUri, upstreamUiUri } from './ui-resources.js';

type Item = Record<string, unknown> & { name: string };
export type ToolItem = Item;
export type PromptItem = Item;
export type ResourceItem = Item & { uri: string };
export type TemplateItem = Item & { uriTemplate: string };

export interface ServerLists {
  tools: ToolItem[];
  prompts: PromptItem[];
  resources: ResourceItem[];
  templates: TemplateItem[];
}

export interface CatalogInput {
  server: string;
  options: PatchbayEntryOptions;
  lists: ServerLists;
}

export interface Route {
  server: string;
  /** The name the upstream server knows. */
  name: string;
}

export interface Catalog {
  tools: ToolItem[];
  prompts: PromptItem[];
  resources: ResourceItem[];
  templates: TemplateItem[];
  tool(exposedName: string): Route | undefined;
  prompt(exposedName: string): Route | undefined;
  /** The server that owns a resource URI: listed resources first, then templates in order. */
  serverForUri(uri: string): string | undefined;
  /** The server that owns a template, by its exact `uriTemplate` (completion references it). */
  serverForTemplate(uriTemplate: string): string | undefined;
  /** The server's own URI for one a client named (only `ui://` URIs differ: ui-resources.ts). */
  upstreamUri(server: string, uri: string): string;
  /** The URI clients see for one of the server's own. */
  exposedUri(server: string, uri: string): string;
  /** Per server, the collisions that withheld some of its items. */
  problems: Map<string, string[]>;
  /** Per server, tool definitions cut or withheld for size (definition-size.ts). */
  oversized: Map<string, string[]>;
  /** The same items with the server and upstream name of each, for guards (guard.ts). */
  entries: Record<GuardedKind, GuardedItem[]>;
}

export function emptyLists(): ServerLists {
  return { tools: [], prompts: [], resources: [], templates: [] };
}

export function isToolAllowed(options: PatchbayEntryOptions, name: string): boolean {
  if (options.allowTools && !options.allowTools.includes(name)) return false;
  return !(options.denyTools ?? []).includes(name);
}

interface Candidate<T> {
  key: string;
  server: string;
  upstream: string;
  item: T;
}

/** Groups candidates by key; keeps the unique ones and reports every group of two or more. */
function dedupe<T>(kind: string, candidates: Candidate<T>[], problems: Map<string, string[]>): Candidate<T>[] {
  const groups = new Map<string, Candidate<T>[]>();
  for (const c of candidates) {
    const group = groups.get(c.key);
    if (group) group.push(c);
    else groups.set(c.key, [c]);
  }
  const kept: Candidate<T>[] = [];
  for (const [key, group] of groups) {
    if (group.length === 1) {
      kept.push(group[0]!);
      continue;
    }
    const who = group.map((c) => `"${c.server}" (as "${c.upstream}")`).join(' and ');
    const message =
      `${kind} "${key}" is offered by ${who}; all of them are withheld. ` +
      `Give one server a different "patchbay.prefix" to serve both.`;
    for (const server of new Set(group.map((c) => c.server))) {
      const list = problems.get(server) ?? [];
      list.push(message);
      problems.set(server, list);
    }
  }
  return kept;
}

export function buildCatalog(inputs: readonly CatalogInput[]): Catalog {
  const problems = new Map<string, string[]>();
  const toolCandidates: Candidate<ToolItem>[] = [];
  const promptCandidates: Candidate<PromptItem>[] = [];
  const resourceCandidates: Candidate<ResourceItem>[] = [];
  const templateCandidates: Candidate<TemplateItem>[] = [];

  const oversized = new Map<string, string[]>();
  for (const { server, options, lists } of inputs) {
    const prefix = options.prefix ?? server;
    for (const tool of lists.tools) {
      if (!isToolAllowed(options, tool.name)) continue;
      const key = namespacedName(prefix, tool.name);
      const sized = capDefinition(exposeToolUi(prefix, { ...tool, name: key }) as ToolItem, server);
      if (sized.note !== undefined) oversized.set(server, [...(oversized.get(server) ?? []), sized.note]);
      if (sized.item !== undefined) toolCandidates.push({ key, server, upstream: tool.name, item: sized.item });
    }
    for (const prompt of lists.prompts) {
      const key = namespacedName(prefix, prompt.name);
      promptCandidates.push({ key, server, upstream: prompt.name, item: { ...prompt, name: key } });
    }
    // Resources keep their URIs (clients read by URI); only the display name is namespaced,
    // and ui:// URIs (MCP Apps) get a home per server, so two servers' views cannot collide.
    for (const resource of lists.resources) {
      const uri = exposeUiUri(prefix, resource.uri);
      const item = { ...resource, uri, name: namespacedName(prefix, resource.name) };
      resourceCandidates.push({ key: uri, server, upstream: resource.uri, item });
    }
    for (const template of lists.templates) {
      const uriTemplate = exposeUiUri(prefix, template.uriTemplate);
      const item = { ...template, uriTemplate, name: namespacedName(prefix, template.name) };
      templateCandidates.push({ key: uriTemplate, server, upstream: template.uriTemplate, item });
    }
  }

  const tools = dedupe('Tool', toolCandidates, problems);
  const prompts = dedupe('Prompt', promptCandidates, problems);
  const resources = dedupe('Resource', resourceCandidates, problems);
  const templates = dedupe('Resource template', templateCandidates, problems);

  const toolRoutes = new Map(tools.map((c) => [c.key, { server: c.server, name: c.upstream }]));
  const promptRoutes = new Map(prompts.map((c) => [c.key, { server: c.server, name: c.upstream }]));
  const uriOwners = new Map(resources.map((c) => [c.key, c.server]));
  const templateOwners = new Map(templates.map((c) => [c.key, c.server]));
  const matchers: { server: string; template: UriTemplate | undefined }[] = templates.map((c) => ({
    server: c.server,
    template: parseTemplate(c.key),
  }));

  const prefixes = new Map(inputs.map((i) => [i.server, i.options.prefix ?? i.server]));
  const entriesOf = (list: Candidate<Item>[]): GuardedItem[] => list.map((c) => ({ server: c.server, upstream: c.upstream, item: c.item }));
  return {
    entries: { tools: entriesOf(tools), prompts: entriesOf(prompts), resources: entriesOf(resources), templates: entriesOf(templates) },
    tools: tools.map((c) => c.item),
    prompts: prompts.map((c) => c.item),
    resources: resources.map((c) => c.item),
    templates: templates.map((c) => c.item),
    tool: (name) => toolRoutes.get(name),
    prompt: (name) => promptRoutes.get(name),
    serverForUri(uri) {
      const owner = uriOwners.get(uri);
      if (owner) return owner;
      for (const { server, template } of matchers) {
        if (template?.match(uri)) return server;
      }
      // A view a tool links to need not be listed: its home names the server.
      if (isUiUri(uri)) {
        for (const [server, prefix] of prefixes) if (prefix !== '' && upstreamUiUri(prefix, uri) !== undefined) return server;
      }
      return undefined;
    },
    serverForTemplate: (uriTemplate) => templateOwners.get(uriTemplate),
    upstreamUri: (server, uri) => (isUiUri(uri) ? (upstreamUiUri(prefixes.get(server) ?? server, uri) ?? uri) : uri),
    exposedUri: (server, uri) => (isUiUri(uri) ? exposeUiUri(prefixes.get(server) ?? server, uri) : uri),
    problems,
    oversized,
  };
}

function parseTemplate(text: string): UriTemplate | undefined {
  try {
    return new UriTemplate(text);
  } catch {
    // A template the SDK cannot parse still lists; reads under it just cannot be routed.
    return undefined;
  }
}
