/** `patchbay mcp add` and `add-json`: one entry, shaped exactly as Claude Code writes it. */
import { PatchbayError } from '../../errors.js';
import { saveClientSecret } from '../../config/credentials.js';
import { parseJsonText, formatLocated } from '../../config/json-text.js';
import { locateProject } from '../../config/locations.js';
import { redactArgs, redactUrl } from '../../secrets/redact/index.js';
import { urlCredentialAdvice } from '../../secrets/advice.js';
import { fieldName, validateEntry } from '../../config/schema.js';
import { addServers } from '../../config/scopes.js';
import type { Scope, ServerEntry } from '../../config/types.js';
import type { SandboxOption } from '../../sandbox/options.js';
import { isStdioEntry } from '../../config/types.js';
import { assertServerName, buildEntry, parseAddTokens, parseScope, type AddFlags } from './add-args.js';
import { warn, write } from './format.js';
import { chooseSandbox, sandboxNote, withSandboxRecorded, type SandboxFlags } from './sandbox-default.js';

export interface AddCommandInput {
  /** Everything commander left after the flags it parsed before the name. */
  tokens: string[];
  flags: AddFlags;
  cwd?: string;
}

export async function runAdd(input: AddCommandInput): Promise<void> {
  // Commander stops at the name (passThroughOptions); the rest is split by parseAddTokens.
  const { name, commandOrUrl, args, extra, warnings } = parseAddTokens(input.tokens, input.flags);
  if (name === undefined) throw new PatchbayError('USAGE', 'missing the server name', { hint: 'patchbay mcp add <name> <command> [args...]' });
  assertServerName(name);
  if (commandOrUrl === undefined) {
    throw new PatchbayError('USAGE', `missing the command or URL of server "${name}"`, {
      hint: 'patchbay mcp add <name> <command> [args...]   or   patchbay mcp add <name> https://example.com/mcp',
    });
  }
  const scope = parseScope(input.flags.scope);
  const built = buildEntry(name, commandOrUrl, args, input.flags, process.env, extra);
  const sandbox = chooseSandbox(name, built.entry, input.flags);
  for (const note of built.notes) write(note);
  for (const line of warnings) warn(line);
  await store(scope, name, built.entry, input.cwd, sandbox, built.clientSecret);
}

async function store(scope: Scope, name: string, entry: ServerEntry, cwd: string | undefined, sandbox: SandboxOption | undefined, clientSecret?: string): Promise<void> {
  const project = locateProject(cwd ?? process.cwd());
  const projectRoot = project.root;
  // The sandbox setting goes to Patchbay's config.json, keyed to this entry; the host file gets what `claude mcp add` writes.
  const { file } = await withSandboxRecorded(name, scope, projectRoot, sandbox, () => addServers(scope, projectRoot, [{ name, entry }]));
  if (isStdioEntry(entry)) {
    write(`Added stdio MCP server ${name} with command: ${[entry.command, ...redactArgs(entry.args ?? [])].join(' ')} to ${scope} config`);
  } else {
    write(`Added ${entry.type === 'sse' ? 'SSE' : 'HTTP'} MCP server ${name} with URL: ${redactUrl(entry.url)} to ${scope} config`);
    const advice = urlCredentialAdvice(entry.url);
    if (advice) write(`Note: ${advice}`);
  }
  write(`File modified: ${file}${scope === 'local' ? ` [project: ${projectRoot}]` : ''}`);
  if (scope === 'project' && !project.inGit) {
    write(`Note: ${projectRoot} is not inside a git repository, so this folder is the project and its .mcp.json is ${file}.`);
    write('  Claude Code reads it when started in this folder; to share the server with a repository, run the command from inside it.');
  }
  for (const line of await sandboxNote(name, entry, scope, sandbox, file)) write(line);
  if (clientSecret !== undefined && !isStdioEntry(entry)) {
    const credentials = await saveClientSecret(name, entry.url, clientSecret);
    write(`Client secret stored in ${credentials} (not in the host config).`);
  }
}

export async function runAddJson(name: string, json: string, options: { scope?: string; cwd?: string } & SandboxFlags): Promise<void> {
  assertServerName(name);
  const scope = parseScope(options.scope);
  const parsed = parseJsonText(json);
  if (!parsed.ok) {
    throw new PatchbayError('USAGE', `the JSON for "${name}" is not valid:\n${formatLocated('<json>', parsed.error.message, parsed.error)}`, {
      hint: `Quote the whole JSON for the shell, e.g. patchbay mcp add-json ${name} '{"type":"stdio","command":"node","args":["server.js"]}'`,
    });
  }
  const result = validateEntry(parsed.value);
  if (!result.ok) {
    const lines = result.issues.map((i) => `  ${fieldName(i.path) ? `"${fieldName(i.path)}" ` : ''}${i.message}`);
    throw new PatchbayError('CONFIG_INVALID', `the JSON for "${name}" is not a valid server entry:\n${lines.join('\n')}`);
  }
  const entry = { ...result.entry } as ServerEntry;
  let clientSecret: string | undefined;
  // A client secret in the JSON goes to Patchbay's credentials file, not into the host file.
  if (!isStdioEntry(entry) && entry.oauth?.clientSecret !== undefined) {
    clientSecret = entry.oauth.clientSecret;
    const { clientSecret: _dropped, ...rest } = entry.oauth;
    entry.oauth = rest;
  }
  await store(scope, name, entry, options.cwd, chooseSandbox(name, entry, options), clientSecret);
}
