/**
 * `patchbay mcp add-from-claude-desktop`: copies entries from Claude Desktop's file into a
 * Claude Code scope. Unlike Claude Code's, it works on Linux and Windows, without a terminal
 * (`--all`, `--only a,b`), and imports remote entries too. Entries are copied as they are in
 * Claude Desktop's file (no `type` added), which is what Claude Code writes when importing.
 */
import { createInterface } from 'node:readline/promises';
import { PatchbayError } from '../../errors.js';
import { claudeDesktopConfigPath, findProjectRoot } from '../../config/locations.js';
import { collectServers, loadJsonFile, valueAt } from '../../config/sources.js';
import { addServers } from '../../config/scopes.js';
import type { JsonObject } from '../../config/store/json-file.js';
import type { ScopedServer } from '../../config/types.js';
import { describeTarget, formatProblem, warn, write } from './format.js';
import { parseScope } from './add-args.js';
import { isStdioEntry } from '../../config/types.js';
import type { SandboxOption } from '../../sandbox/options.js';
import { chooseSandbox, recordSandbox, sandboxNote } from './sandbox-default.js';

export interface ImportOptions {
  scope?: string;
  all?: boolean;
  only?: string;
  cwd?: string;
  sandbox?: boolean;
  allowHost?: string[];
}

export async function runImportFromDesktop(options: ImportOptions): Promise<void> {
  const scope = parseScope(options.scope);
  const file = claudeDesktopConfigPath();
  const loaded = await loadJsonFile(file);
  if (!loaded.exists) {
    throw new PatchbayError('SERVER_NOT_FOUND', `no Claude Desktop config at ${file}`, {
      hint: 'Claude Desktop keeps it there once a server is configured (Settings → Developer → Edit Config).',
    });
  }
  if (loaded.problems.length > 0) {
    throw new PatchbayError('CONFIG_SYNTAX', `${loaded.problems.map(formatProblem).join('\n')}\nNothing was imported.`);
  }
  const { servers, problems } = collectServers(loaded, ['mcpServers'], 'claude-desktop');
  for (const problem of problems) warn(`Skipped: ${formatProblem(problem)}`);
  if (servers.length === 0) {
    write(`No MCP servers to import in ${file}.`);
    return;
  }
  const names = servers.map((s) => s.name);
  let chosen: string[];
  if (options.all) chosen = names;
  else if (options.only !== undefined) {
    chosen = options.only.split(',').map((n) => n.trim()).filter(Boolean);
    const unknown = chosen.filter((n) => !names.includes(n));
    if (unknown.length > 0) {
      throw new PatchbayError('SERVER_NOT_FOUND', `not in Claude Desktop's config: ${unknown.join(', ')}`, { hint: `Available: ${names.join(', ')}` });
    }
  } else if (process.stdin.isTTY && process.stdout.isTTY) {
    chosen = await prompt(servers.map((s) => `${s.name}: ${describeTarget(s)}`), names);
  } else {
    throw new PatchbayError('USAGE', 'no terminal to pick servers from: pass --all, or --only name1,name2', {
      hint: `Servers in ${file}: ${names.join(', ')}`,
    });
  }
  if (chosen.length === 0) {
    write('Nothing imported.');
    return;
  }
  // Bad sandbox flags are refused before anything is written.
  chooseSandbox('the imported servers', { type: 'stdio', command: 'x' }, options);
  const projectRoot = findProjectRoot(options.cwd ?? process.cwd());
  const raw = valueAt(loaded.data, ['mcpServers']) as JsonObject;
  // Running it twice imports nothing twice: an identical entry (under its name or a `_1` rename) is skipped.
  const result = await addServers(scope, projectRoot, chosen.map((name) => ({ name, entry: raw[name] as JsonObject })), { renameOnConflict: true, skipIdentical: true });
  for (const { requested, name } of result.added) {
    if (requested !== name) write(`Renamed "${requested}" to "${name}": ${scope} config already has a different server named "${requested}".`);
  }
  if (result.skipped.length > 0) {
    write(`Already in ${scope} config with the same entry, skipped: ${result.skipped.map((s) => (s.name === s.requested ? s.name : `${s.requested} (as ${s.name})`)).join(', ')}`);
  }
  if (result.added.length === 0) {
    write(`Nothing new to import from Claude Desktop; ${result.file} is unchanged.`);
    return;
  }
  write(`Imported ${result.added.length} MCP server${result.added.length === 1 ? '' : 's'} from Claude Desktop to ${scope} config: ${result.added.map((a) => a.name).join(', ')}`);
  write(`File modified: ${result.file}`);
  // New entries in a Claude Code scope: each stdio one gets the sandbox default, as with `mcp add`.
  const byName = new Map(servers.map((s) => [s.name, s.entry]));
  const confined: { name: string; entry: ScopedServer['entry'] }[] = [];
  let option: SandboxOption | undefined;
  for (const { requested, name } of result.added) {
    const entry = byName.get(requested)!;
    const chosen = isStdioEntry(entry) ? chooseSandbox(name, entry, options) : undefined;
    if (chosen === undefined) continue;
    await recordSandbox(name, scope, projectRoot, chosen);
    confined.push({ name, entry });
    option = chosen;
  }
  if (option !== undefined) {
    // One note for all of them; its npx/uvx line is about the first such entry, if any.
    const runner = confined.find((c) => isStdioEntry(c.entry) && /(^|\/)(npx|bunx|uvx)$/.test(c.entry.command)) ?? confined[0]!;
    const label = confined.map((c) => `"${c.name}"`).join(', ');
    for (const line of await sandboxNote(confined[0]!.name, runner.entry, scope, option, result.file, '--no-sandbox', label)) write(line);
  }
}

async function prompt(labels: string[], names: string[]): Promise<string[]> {
  labels.forEach((label, i) => write(`  ${i + 1}) ${label}`));
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = (await rl.question('Import which servers? Numbers separated by commas, "a" for all, Enter for none: ')).trim();
    if (answer === '') return [];
    if (answer.toLowerCase() === 'a') return names;
    return answer.split(',').map((part) => {
      const index = Number(part.trim());
      const name = names[index - 1];
      if (!Number.isInteger(index) || !name) throw new PatchbayError('USAGE', `"${part.trim()}" is not one of the numbers 1-${names.length}`);
      return name;
    });
  } finally {
    rl.close();
  }
}
