/**
 * MCP Apps (SEP-1865, `@modelcontextprotocol/ext-apps`) through the hub. A tool names the HTML
 * view a host renders for it in `_meta.ui.resourceUri`, a `ui://` resource (MIME type
 * `text/html;profile=mcp-app`) of the same server. Two servers may well both call theirs
 * `ui://dashboard/index.html`, so the hub gives each server's `ui://` URIs a home of its own —
 * `ui://<prefix>/<host>/<path>` — and rewrites them consistently everywhere they appear: the
 * resource lists, resources/read (both ways), the tool's `_meta`, embedded resources and
 * resource links in tool results, and resources/updated. With prefix `""` URIs stay as they are
 * (and a collision is reported like any other). Everything else about the resource — MIME
 * type, `_meta.ui` (CSP, domain, permissions), the HTML itself — passes through unchanged.
 */

const UI = 'ui://';

export function isUiUri(uri: unknown): uri is string {
  return typeof uri === 'string' && uri.startsWith(UI);
}

/** The URI clients see for a server's `ui://` URI. */
export function exposeUiUri(prefix: string, uri: string): string {
  if (prefix === '' || !isUiUri(uri)) return uri;
  return `${UI}${prefix}/${uri.slice(UI.length)}`;
}

/** The server's own URI for an exposed one, or undefined when it is not under that prefix. */
export function upstreamUiUri(prefix: string, exposed: string): string | undefined {
  if (prefix === '') return exposed;
  const home = `${UI}${prefix}/`;
  return exposed.startsWith(home) ? `${UI}${exposed.slice(home.length)}` : undefined;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A tool as listed, with its view's URI (SEP-1865 `_meta.ui.resourceUri`, and the older flat key) exposed. */
export function exposeToolUi(prefix: string, tool: Json): Json {
  const meta = tool._meta;
  if (prefix === '' || !isObject(meta)) return tool;
  let out: Json | undefined;
  const ui = meta.ui;
  if (isObject(ui) && isUiUri(ui.resourceUri)) out = { ...meta, ui: { ...ui, resourceUri: exposeUiUri(prefix, ui.resourceUri) } };
  const flat = meta['ui/resourceUri'];
  if (isUiUri(flat)) out = { ...(out ?? meta), 'ui/resourceUri': exposeUiUri(prefix, flat) };
  return out ? { ...tool, _meta: out } : tool;
}

/**
 * Rewrites `ui://` URIs in a result (resources/read contents, tools/call content blocks and
 * their embedded resources, resource links) with `map`; other values are left as they are.
 */
export function mapUiUris(result: unknown, map: (uri: string) => string): unknown {
  if (!isObject(result)) return result;
  const fixBlock = (block: unknown): unknown => {
    if (!isObject(block)) return block;
    let b = block;
    if (isUiUri(b.uri)) b = { ...b, uri: map(b.uri) };
    if (isObject(b.resource) && isUiUri(b.resource.uri)) b = { ...b, resource: { ...b.resource, uri: map(b.resource.uri) } };
    return b;
  };
  // Copies only what changes: most results carry no ui:// URI and come back as they were.
  const fixList = (list: unknown, fix: (item: unknown) => unknown): unknown[] | undefined => {
    if (!Array.isArray(list)) return undefined;
    let changed = false;
    const next = list.map((item) => {
      const fixed = fix(item);
      if (fixed !== item) changed = true;
      return fixed;
    });
    return changed ? next : undefined;
  };
  let out = result;
  const contents = fixList(result.contents, fixBlock);
  if (contents) out = { ...out, contents };
  const content = fixList(result.content, fixBlock);
  if (content) out = { ...out, content };
  const messages = fixList(result.messages, (m) => {
    if (!isObject(m)) return m;
    const fixed = fixBlock(m.content);
    return fixed === m.content ? m : { ...m, content: fixed };
  });
  if (messages) out = { ...out, messages };
  return out;
}
