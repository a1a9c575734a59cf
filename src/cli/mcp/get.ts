/** `patchbay mcp get <name>`: one server in full, secrets as *** unless --show-secrets. */
import { PatchbayError } from '../../errors.js';
import { getClientSecret } from '../../config/credentials.js';
import { loadRegistry, resolveServers } from '../../config/registry.js';
import { redactEntry } from '../../secrets/redact/index.js';
import { describeScope } from '../../config/scopes.js';
import { isStdioEntry } from '../../config/types.js';
import { checkServer, gatewayResult, timeoutFrom } from './check.js';
import { printProblems, statusDetails, statusText, write } from './format.js';

export interface GetOptions {
  json?: boolean;
  showSecrets?: boolean;
  timeout?: string;
  cwd?: string;
}

export async function runGet(name: string, options: GetOptions): Promise<void> {
  const timeoutMs = timeoutFrom(options.timeout);
  const cwd = options.cwd ?? process.cwd();
  const registry = await loadRegistry({ cwd });
  const candidates = registry.servers.filter((s) => s.scope !== 'claude-desktop' && s.name === name);
  const resolved = resolveServers(registry, { includeUnapproved: true }).find((s) => s.name === name);
  const server = resolved ?? candidates[0];
  if (!server) {
    printProblems(registry.problems.filter((p) => p.server === name || p.server === undefined));
    const known = [...new Set(resolveServers(registry, { includeUnapproved: true }).map((s) => s.name))];
    throw new PatchbayError('SERVER_NOT_FOUND', `no MCP server named "${name}"`, {
      hint: known.length > 0 ? `Known servers: ${known.join(', ')}` : 'No MCP servers are configured; add one with patchbay mcp add.',
    });
  }
  const shadowed = candidates.filter((s) => s !== server);
  const result = gatewayResult(server, registry) ?? (await checkServer(server, timeoutMs, cwd));
  const entry = options.showSecrets ? server.entry : redactEntry(server.entry);
  const storedSecret = isStdioEntry(server.entry) ? undefined : await getClientSecret(name, server.entry.url);
  if (options.json) {
    const oauthSecret = storedSecret === undefined ? {} : { clientSecret: options.showSecrets ? storedSecret : '***' };
    const shownEntry = !isStdioEntry(entry) && storedSecret !== undefined ? { ...entry, oauth: { ...entry.oauth, ...oauthSecret } } : entry;
    write(JSON.stringify({ name, scope: server.scope, file: server.file, approval: server.approval, status: result.status, reason: result.reason, details: result.details, ...shownEntry, type: entry.type ?? 'stdio', shadowed: shadowed.map((s) => ({ scope: s.scope, file: s.file })) }, null, 2));
    return;
  }
  write(`${name}:`);
  write(`  Scope: ${describeScope(server.scope)}`);
  write(`  File: ${server.file}`);
  if (server.approval) write(`  Approval: ${server.approval}`);
  if (server.settings) write(`  Patchbay settings (config.json "servers"): ${JSON.stringify(server.settings)}`);
  write(`  Status: ${statusText(result)}`);
  for (const line of statusDetails(result, '    ')) write(line);
  if (isStdioEntry(entry)) {
    write(`  Type: stdio`);
    write(`  Command: ${entry.command}`);
    write(`  Args: ${(entry.args ?? []).join(' ')}`);
    write('  Environment:');
    for (const [k, v] of Object.entries(entry.env ?? {})) write(`    ${k}=${v}`);
  } else {
    write(`  Type: ${entry.type}`);
    write(`  URL: ${entry.url}`);
    if (entry.headers && Object.keys(entry.headers).length > 0) {
      write('  Headers:');
      for (const [k, v] of Object.entries(entry.headers)) write(`    ${k}: ${v}`);
    }
    if (entry.oauth || storedSecret !== undefined) {
      write('  OAuth:');
      if (entry.oauth?.clientId !== undefined) write(`    Client ID: ${entry.oauth.clientId}`);
      if (entry.oauth?.callbackPort !== undefined) write(`    Callback port: ${entry.oauth.callbackPort}`);
      if (storedSecret !== undefined) write(`    Client secret: ${options.showSecrets ? storedSecret : '*** (stored in Patchbay credentials)'}`);
    }
  }
  for (const other of shadowed) write(`  Also in ${other.scope} scope (${other.file}), overridden by this one`);
  printProblems(registry.problems.filter((p) => p.server === name));
  write('');
  write(`To remove this server, run: patchbay mcp remove "${name}" -s ${server.scope}`);
}

