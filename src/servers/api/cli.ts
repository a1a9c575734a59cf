/**
 * `patchbay server api --spec FILE|URL --base-url URL [options]`: one API as an MCP server on
 * stdio, meant to run as an ordinary entry behind the hub, so the hub's policy, pins and audit
 * apply to its tools:
 *
 *   patchbay mcp add -s patchbay petstore -e PETSTORE_KEY='${secret:petstore-key}' -- \
 *     patchbay server api --spec ./petstore.json --base-url https://petstore.example.com/v2 --auth-env api_key=PETSTORE_KEY
 */
import { Command, Option } from 'commander';
import { PatchbayError } from '../../errors.js';
import { parseAuthEnv, parseTokenUrls } from './auth/authenticator.js';
import { parseHeaderTemplate } from './auth/template.js';
import { createApiMcpServer } from './mcp-server.js';
import { createApiService, type ApiService } from './service.js';
import { loadSpec, type ApiDocument } from './spec/load.js';
import { snakeCase } from './tool-names.js';

export interface ApiFlags {
  spec: string;
  baseUrl?: string;
  allowWrites?: boolean;
  authEnv: string[];
  tokenUrl: string[];
  authHeader: string[];
  mode: 'auto' | 'tools' | 'search';
  maxBytes: string;
  maxItems: string;
  timeout: string;
  externalRefs?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function apiCommand(): Command {
  return new Command('patchbay server api')
    .description('Serve an HTTP API described by OpenAPI 3.0/3.1 or Swagger 2.0 as MCP tools, on stdio')
    .requiredOption('--spec <fileOrUrl>', 'the API description (JSON or YAML file, or an http(s) URL)')
    .option('--base-url <url>', "where requests go (the spec's servers are never used for that)")
    .option('--allow-writes', 'allow operations other than GET, HEAD and OPTIONS (refused by default)')
    .option('--auth-env <SCHEME=VAR>', 'bind a security scheme to environment variables (VAR, or VAR1:VAR2 for basic and OAuth 2 client credentials); repeat', collect)
    .option('--token-url <SCHEME=URL>', "OAuth 2 token URL for a scheme (needed when the spec's is not on the base URL's origin)", collect)
    .option('--auth-header <"Name: template">', 'a header sent with every request; {VAR} is an environment variable, {base64:…} encodes; repeat', collect)
    .addOption(new Option('--mode <mode>', 'one tool per operation, or api_search/api_describe/api_call').choices(['auto', 'tools', 'search']).default('auto'))
    .option('--max-bytes <n>', 'cap on one tool result, in bytes', '65536')
    .option('--max-items <n>', 'arrays in a response are cut to this many items', '50')
    .option('--timeout <ms>', 'per request', '30000')
    .option('--external-refs', 'follow $refs to other files and URLs (off: a spec cannot make this process read or fetch anything else)');
}

export async function prepareApi(flags: ApiFlags, env: Record<string, string | undefined> = process.env): Promise<ApiService> {
  const spec = await loadSpec(flags.spec, { externalRefs: flags.externalRefs === true });
  if (!flags.baseUrl) {
    throw new PatchbayError('USAGE', `--base-url is required: requests go only where the entry says`, { hint: serversHint(spec.document) });
  }
  const baseUrl = parseBaseUrl(flags.baseUrl);
  return createApiService({
    spec,
    baseUrl,
    allowWrites: flags.allowWrites === true,
    mode: flags.mode,
    bindings: parseAuthEnv(flags.authEnv),
    tokenUrls: parseTokenUrls(flags.tokenUrl),
    headerTemplates: flags.authHeader.map(parseHeaderTemplate),
    env,
    maxBytes: positive(flags.maxBytes, '--max-bytes'),
    maxItems: positive(flags.maxItems, '--max-items'),
    timeoutMs: positive(flags.timeout, '--timeout'),
  });
}

export async function runApiServer(args: string[]): Promise<void> {
  const command = apiCommand().exitOverride();
  command.parse(args, { from: 'user' });
  const given = command.opts<ApiFlags>();
  const flags = { ...given, authEnv: given.authEnv ?? [], tokenUrl: given.tokenUrl ?? [], authHeader: given.authHeader ?? [] };
  const service = await prepareApi(flags);
  const server = createApiMcpServer(service, { name: snakeCase(service.title) || 'api', allowWrites: flags.allowWrites === true });
  const { StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
  await server.connect(new StdioServerTransport());
  process.stderr.write(`patchbay server api: ${service.title}, ${service.operations.length} operations as ${service.mode === 'tools' ? 'one tool each' : 'api_search/api_describe/api_call'}, ${flags.allowWrites ? 'writes allowed' : 'read-only'}\n`);
}

function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PatchbayError('USAGE', `--base-url "${text}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PatchbayError('USAGE', `--base-url must be http or https, not ${url.protocol}`);
  if (url.username || url.password) {
    throw new PatchbayError('USAGE', '--base-url must not hold credentials', { hint: 'Pass them through the env with --auth-env or --auth-header.' });
  }
  if (url.search || url.hash) throw new PatchbayError('USAGE', '--base-url must not have a query or fragment');
  return url;
}

function serversHint(document: ApiDocument): string {
  const servers = Array.isArray(document.servers) ? (document.servers as Array<{ url?: string; variables?: Record<string, { default?: string }> }>) : [];
  const urls = servers
    .map((s) => (s.url ?? '').replace(/\{([^}]+)\}/g, (_w, name: string) => s.variables?.[name]?.default ?? `{${name}}`))
    .filter(Boolean);
  if (document.swagger === '2.0' && typeof document.host === 'string') urls.push(`${(document.schemes as string[] | undefined)?.[0] ?? 'https'}://${document.host}${document.basePath ?? ''}`);
  return urls.length > 0 ? `The spec names: ${urls.slice(0, 5).join(', ')}. Pass the one you mean with --base-url.` : 'Pass the API\'s base URL with --base-url.';
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new PatchbayError('USAGE', `${flag} must be a positive whole number, not "${text}"`);
  return n;
}
