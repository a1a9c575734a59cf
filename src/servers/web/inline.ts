/**
 * A local page as one self-contained MCP App document (SEP-1865): hosts render `ui://` HTML in
 * a sandboxed frame that cannot reach the disk, so the page's local scripts, stylesheets and
 * images are inlined, and the JSON files beside it are answered from an inlined map by a small
 * `fetch` shim. Remote scripts and styles stay as they are; their origins, and only those, go
 * into `_meta.ui.csp.resourceDomains`, so the CSP the host applies stays minimal.
 */
import { extname, posix } from 'node:path';

export interface InlineInput {
  /** The page's path relative to the root, '/'-separated. */
  page: string;
  html: string;
  /** Reads a file relative to the root ('/'-separated); undefined when it may not or does not exist. */
  read: (rel: string) => Promise<Buffer | undefined>;
  /** JSON files offered to the page's fetch, relative to the root. */
  json: readonly string[];
}

export interface InlinedPage {
  html: string;
  csp: { connectDomains: string[]; resourceDomains: string[] };
  /** Root-relative files the document now contains (for resources/updated). */
  uses: string[];
}

const IMAGE: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml', '.webp': 'image/webp' };

const remote = (ref: string) => /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(ref);
const attr = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)?.slice(1).find((v) => v !== undefined);

async function replaceAsync(text: string, re: RegExp, fn: (m: RegExpExecArray) => Promise<string>): Promise<string> {
  const parts: Array<string | Promise<string>> = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    parts.push(text.slice(last, m.index), fn(m as RegExpExecArray));
    last = m.index! + m[0].length;
  }
  parts.push(text.slice(last));
  return (await Promise.all(parts)).join('');
}

export async function inlinePage(input: InlineInput): Promise<InlinedPage> {
  const dir = posix.dirname(input.page);
  const uses = new Set<string>([input.page]);
  const domains = new Set<string>();
  const resolveRef = (ref: string) => posix.normalize(posix.join(dir, decodeURI(ref.split(/[?#]/)[0]!)));
  const load = async (ref: string) => {
    const rel = resolveRef(ref);
    const data = rel.startsWith('..') ? undefined : await input.read(rel);
    if (data) uses.add(rel);
    return data;
  };
  const noteRemote = (ref: string) => {
    try {
      domains.add(new URL(ref.startsWith('//') ? `https:${ref}` : ref).origin);
    } catch {
      /* not a URL: nothing to allow */
    }
  };

  let html = await replaceAsync(input.html, /<script\b[^>]*\bsrc\s*=[^>]*>\s*<\/script\s*>/gi, async ([tag]) => {
    const src = attr(tag, 'src');
    if (!src) return tag;
    if (remote(src)) return noteRemote(src), tag;
    const body = await load(src);
    if (!body) return `<!-- ${src}: not found -->`;
    const open = tag.replace(/\s+src\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/i, '').replace(/<\/script\s*>$/i, '').replace(/\s*>\s*$/, '>');
    return `${open}${body.toString('utf8').replace(/<\/script/gi, '<\\/script')}</script>`;
  });
  html = await replaceAsync(html, /<link\b[^>]*>/gi, async ([tag]) => {
    const href = attr(tag, 'href');
    if (!href || !/stylesheet/i.test(attr(tag, 'rel') ?? '')) return tag;
    if (remote(href)) return noteRemote(href), tag;
    const body = await load(href);
    return body ? `<style>${body.toString('utf8').replace(/<\/style/gi, '<\\/style')}</style>` : `<!-- ${href}: not found -->`;
  });
  html = await replaceAsync(html, /<img\b[^>]*>/gi, async ([tag]) => {
    const src = attr(tag, 'src');
    const type = src ? IMAGE[extname(src.split(/[?#]/)[0]!).toLowerCase()] : undefined;
    if (!src || remote(src) || !type) return (src && remote(src) ? noteRemote(src) : undefined, tag);
    const body = await load(src);
    return body ? tag.replace(src, `data:${type};base64,${body.toString('base64')}`) : tag;
  });

  const files: Record<string, string> = {};
  for (const rel of input.json) {
    const body = await input.read(rel);
    if (!body) continue;
    uses.add(rel);
    // Keys as the page would write them: relative to its own directory.
    files[posix.relative(dir, rel)] = body.toString('utf8');
  }
  if (Object.keys(files).length > 0) {
    const shim = `<script>(()=>{const files=${JSON.stringify(files).replace(/</g, '\\u003c')};const own=Object.prototype.hasOwnProperty;const real=window.fetch&&window.fetch.bind(window);window.fetch=(input,init)=>{const url=typeof input==='string'?input:input&&input.url;const key=String(url||'').replace(/^\\.\\//,'').split(/[?#]/)[0];if(own.call(files,key))return Promise.resolve(new Response(files[key],{status:200,headers:{'content-type':'application/json'}}));return real?real(input,init):Promise.reject(new TypeError('offline'));};})();</script>`;
    html = /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (h) => h + shim) : shim + html;
  }
  return { html, csp: { connectDomains: [], resourceDomains: [...domains].sort() }, uses: [...uses] };
}
