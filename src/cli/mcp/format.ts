/** How servers, statuses and config problems read on a terminal. Secret values never appear. */
import { formatLocated } from '../../config/json-text.js';
import { redactArgs, redactUrl } from '../../secrets/redact/index.js';
import type { ConfigProblem, ScopedServer } from '../../config/types.js';
import { isStdioEntry } from '../../config/types.js';
import type { ProbeResult } from '../../hub/probe.js';

export function write(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function warn(line = ''): void {
  process.stderr.write(`${line}\n`);
}

/** `node server.js --flag` or `https://example.com/mcp (HTTP)`, redacted. */
export function describeTarget(server: ScopedServer): string {
  const { entry } = server;
  if (isStdioEntry(entry)) return [entry.command, ...redactArgs(entry.args ?? [])].join(' ');
  return `${redactUrl(entry.url)} (${entry.type.toUpperCase()})`;
}

export function statusText(result: ProbeResult): string {
  if ('gateway' in result) {
    const { serves, forHost } = (result as ProbeResult & { gateway: { serves: string[]; forHost?: string } }).gateway;
    const what = forHost === 'claude-code' ? "the servers of Patchbay's scope" : 'every other server';
    const list = serves.length === 0 ? 'none yet' : `${serves.length}: ${serves.join(', ')}`;
    return `⇄ Patchbay gateway, serves ${what} through the hub (${list}); not checked through itself`;
  }
  switch (result.status) {
    case 'connected':
      return '✔ Connected';
    case 'needs-auth':
      return '! Needs authentication';
    case 'pending-approval':
      return result.reason ? `⏸ ${result.reason}` : '⏸ Pending approval';
    case 'disabled':
      return result.reason ? `○ ${result.reason}` : '○ Disabled';
    default:
      return result.reason ? `✘ Failed to connect: ${result.reason}` : '✘ Failed to connect';
  }
}

/** Indented lines under a status: details, then what to do. */
export function statusDetails(result: ProbeResult, indent = '    '): string[] {
  const lines = (result.details ?? []).map((d) => `${indent}${d}`);
  if (result.hint && result.status !== 'connected') lines.push(`${indent}→ ${result.hint}`);
  return lines;
}

export function formatProblem(problem: ConfigProblem): string {
  const position =
    problem.line !== undefined && problem.column !== undefined
      ? { line: problem.line, column: problem.column, sourceLine: problem.sourceLine ?? '' }
      : undefined;
  let text = formatLocated(problem.file, problem.message, position);
  if (position && problem.sourceLine === undefined) text = text.split('\n')[0]!;
  if (problem.hint) text += `\n  ${problem.hint}`;
  return text;
}

export function printProblems(problems: ConfigProblem[]): void {
  if (problems.length === 0) return;
  warn(`Config problems (${problems.length}); the entries involved are skipped:`);
  for (const problem of problems) warn(formatProblem(problem).replace(/^/gm, '  '));
}
