/**
 * Turns the facts of a failed upstream (UpstreamExit) into what a user can act on: a one-line
 * reason, supporting details and a hint. The cases are the guide's troubleshooting table
 * (chapter 8.3 and Appendix C, Table 3) plus what `claude mcp list` leaves unexplained.
 *
 * The one diagnosis for every place that says why a server does not start: `doctor` and
 * `mcp list` (probe.ts) and `patchbay up` (the supervisor's status reason) call the same
 * functions here, so the same server fails with the same words everywhere.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isStdioEntry, type ServerEntry, type StdioEntry } from '../../config/types.js';
import { hasUserinfoPassword, urlCredentialAdvice } from '../../secrets/advice.js';
import { redactText } from '../../secrets/redact/index.js';
import type { UpstreamExit } from './connection.js';

export interface Diagnosis {
  reason: string;
  details: string[];
  hint?: string;
  /** A stable tag for tests and `--json` consumers. */
  kind:
    | 'command-not-found'
    | 'relative-path'
    | 'file-not-found'
    | 'missing-env'
    | 'missing-dependency'
    | 'exited'
    | 'non-json-stdout'
    | 'timeout'
    | 'needs-auth'
    | 'http-not-found'
    | 'http-error'
    | 'connection-refused'
    | 'dns'
    | 'url-credentials'
    | 'sandbox'
    | 'failed';
}

const STDERR_LINES_SHOWN = 10;

export interface MissingDependency {
  name: string;
  /** The stderr line that says so. */
  line: string;
  kind: 'node-module' | 'python-module' | 'program' | 'shared-library';
}

/** Recognises a server's own report that something it needs is not installed. */
export function findMissingDependency(stderr: readonly string[]): MissingDependency | undefined {
  const patterns: Array<[RegExp, MissingDependency['kind']]> = [
    [/Cannot find (?:module|package) '([^']+)'/, 'node-module'],
    [/ModuleNotFoundError: No module named '([^']+)'/, 'python-module'],
    [/ImportError: No module named '?([\w.]+)'?/, 'python-module'],
    [/spawn (\S+) ENOENT/, 'program'],
    [/(?:^|\s)([\w.+-]+): (?:command )?not found\s*$/, 'program'],
    [/error while loading shared libraries: ([^:\s]+)/, 'shared-library'],
  ];
  for (const line of stderr) {
    for (const [pattern, kind] of patterns) {
      const match = pattern.exec(line);
      // "Error: not found" is a message, not a missing program called Error; and
      // "Cannot find module '/x.js'" is a script that is not there, not a package to install.
      if (match?.[1] && !/^(error|warning|fatal|info)$/i.test(match[1]) && !(kind === 'node-module' && isPathLike(match[1]))) return { name: match[1], kind, line };
    }
  }
  return undefined;
}

function isPathLike(name: string): boolean {
  return isAbsolute(name) || /^\.\.?[\\/]/.test(name) || /^[A-Za-z]:[\\/]/.test(name);
}

const DEPENDENCY_HINTS: Record<MissingDependency['kind'], (name: string) => string> = {
  'node-module': (n) =>
    `Install it where the server runs (e.g. \`npm install ${n}\` in the server's folder), or reinstall the server so its dependencies come with it.`,
  'python-module': (n) => `Install it into the Python environment the server runs in (e.g. \`pip install ${n}\` or \`uv add ${n}\`).`,
  program: (n) =>
    `Install \`${n}\` and make sure it is on the PATH the host starts servers with (GUI hosts such as Claude Desktop do not read your shell profile).`,
  'shared-library': (n) => `Install the system package that provides ${n}.`,
};

/** A path-looking argument (./x, ../x, dir/file, file.js) that does not exist relative to cwd. */
export function findMissingRelativeArg(entry: StdioEntry, cwd: string): string | undefined {
  const args = entry.args ?? [];
  for (const [i, arg] of args.entries()) {
    // The code after -e/-c (node -e, python -c, sh -c) is not a path, nor is anything with spaces or quotes.
    if (/^(-e|-c|-p|--eval|--print)$/.test(args[i - 1] ?? '')) continue;
    if (arg.startsWith('-') || isAbsolute(arg) || /^[a-z][\w+.-]*:\/\//i.test(arg) || /[=\s'"();$]/.test(arg)) continue;
    const looksLikePath = /^\.\.?[\\/]/.test(arg) || /[\\/]/.test(arg) || /\.(m?js|cjs|ts|py|sh|jar|rb|exe)$/i.test(arg);
    if (!looksLikePath || /^@[\w-]+\/[\w.-]+(@.*)?$/.test(arg)) continue; // @scope/package is not a path
    if (!existsSync(resolve(cwd, arg))) return arg;
  }
  return undefined;
}

/** An absolute script path among the arguments (`node /srv/x.js`) that does not exist. */
export function findMissingAbsoluteArg(entry: StdioEntry): string | undefined {
  const args = entry.args ?? [];
  for (const [i, arg] of args.entries()) {
    if (/^(-e|-c|-p|--eval|--print)$/.test(args[i - 1] ?? '')) continue;
    if (!isAbsolute(arg) || /[=\s'"();$]/.test(arg)) continue;
    if (!/\.(m?js|cjs|ts|mts|py|sh|jar|rb|exe|php|pl)$/i.test(arg)) continue;
    if (!existsSync(arg)) return arg;
  }
  return undefined;
}

/** The first non-JSON text the server wrote on stdout, if any: a whole line, or a prompt with no newline. */
export function firstNonJsonOutput(exit: UpstreamExit): string | undefined {
  return (exit.firstNonJsonLine ?? exit.nonJsonLines[0] ?? exit.unterminatedStdout?.head)?.trimEnd();
}

/** A line as a reason quotes it. */
function quote(line: string): string {
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

function nonJsonDetails(exit: UpstreamExit, first: string): string[] {
  const details = [`Hosts fail on this line with: Unexpected token '${first.trim()[0] ?? '?'}', "${first.trim().slice(0, 10)}"... is not valid JSON`];
  const count = exit.nonJsonCount ?? exit.nonJsonLines.length;
  if (count > 1) details.push(`${count} non-JSON lines on stdout in all; the last: "${exit.nonJsonLines.at(-1)?.slice(0, 200) ?? ''}"`);
  if (exit.unterminatedStdout && exit.unterminatedStdout.head.trimEnd() !== first.trimEnd()) {
    details.push(`then ${exit.unterminatedStdout.bytes} bytes without a newline, starting "${exit.unterminatedStdout.head.slice(0, 80)}"`);
  }
  return details;
}

const NON_JSON_HINT = 'stdout is reserved for JSON-RPC messages: the server (or a script wrapping it) must log to stderr. Check the server\'s issues for this bug.';

/** Before anything is started: a command given as a path that is not there. */
export function diagnoseBeforeStart(entry: ServerEntry, cwd: string): Diagnosis | undefined {
  if (!isStdioEntry(entry)) return undefined;
  const command = entry.command;
  if (!/[\\/]/.test(command)) return undefined;
  if (isAbsolute(command)) {
    if (existsSync(command)) return undefined;
    return { kind: 'command-not-found', reason: `command "${command}" does not exist`, details: [], hint: 'Check the path; it must exist on this machine.' };
  }
  if (existsSync(resolve(cwd, command))) return undefined;
  return {
    kind: 'relative-path',
    reason: `command "${command}" is a relative path and does not exist from ${cwd}`,
    details: [],
    hint: `Use an absolute path: hosts start servers from a directory you do not choose (${resolve(cwd, command)} does not exist).`,
  };
}

/** `${VAR}` references without a value: nothing is started. */
export function diagnoseMissingEnv(missing: readonly string[]): Diagnosis {
  return {
    kind: 'missing-env',
    reason: `environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not set`,
    details: missing.map((name) => `\${${name}} is used in the entry and has no value and no default`),
    hint: `Set ${missing.join(', ')} in the environment the host starts with (GUI hosts do not read your shell profile), put the value in the entry's "env", or write \${NAME:-default}.`,
  };
}

/** Why a server did not start, from how its attempt ended: stdio or remote. */
export function diagnoseExit(entry: ServerEntry, exit: UpstreamExit, context: { cwd: string; timeoutMs: number; name?: string }): Diagnosis {
  return isStdioEntry(entry) ? diagnoseStdio(entry, exit, context) : diagnoseRemote(entry.url, exit, context.timeoutMs, context.name);
}

/**
 * The diagnosis on one line, for `up`'s status and the logs: the reason, and when the reason is
 * only how it ended (an exit code, a timeout), the last thing it said on stderr, which `doctor`
 * shows as the first of its details.
 */
export function diagnosisLine(diagnosis: Diagnosis): string {
  if (!['exited', 'timeout', 'failed'].includes(diagnosis.kind)) return diagnosis.reason;
  const last = diagnosis.details.filter((d) => d.startsWith('stderr: ') && d.trim() !== 'stderr:').at(-1);
  return last === undefined ? diagnosis.reason : `${diagnosis.reason}; last stderr line: ${JSON.stringify(last.slice(8, 308))}`;
}

/** Whether trying again cannot help: what is missing stays missing until a person acts. */
export function isPermanentDiagnosis(diagnosis: Diagnosis): boolean {
  return ['command-not-found', 'relative-path', 'file-not-found', 'missing-dependency', 'missing-env', 'needs-auth'].includes(diagnosis.kind);
}

function stderrDetails(exit: UpstreamExit): string[] {
  return exit.stderrTail.slice(-STDERR_LINES_SHOWN).map((line) => `stderr: ${line}`);
}

export function diagnoseStdio(entry: StdioEntry, exit: UpstreamExit, context: { cwd: string; timeoutMs: number }): Diagnosis {
  const error = exit.error as (Error & { code?: string; hint?: string }) | undefined;
  const command = entry.command;
  const pathLike = /[\\/]/.test(command);

  if (error?.code === 'SANDBOX_UNAVAILABLE' || error?.code === 'SANDBOX_INVALID') {
    return { kind: 'sandbox', reason: error.message, details: [], ...(error.hint ? { hint: error.hint } : {}) };
  }

  if (error?.code === 'ENOENT' || error?.code === 'EACCES') {
    if (pathLike && !isAbsolute(command)) {
      return {
        kind: 'relative-path',
        reason: `command "${command}" is a relative path and does not exist from ${context.cwd}`,
        details: [],
        hint: `Use an absolute path: hosts start servers from a directory you do not choose (${resolve(context.cwd, command)} does not exist).`,
      };
    }
    if (error.code === 'EACCES') {
      return { kind: 'command-not-found', reason: `command "${command}" is not executable`, details: [], hint: `Make it executable (chmod +x ${command}) or run it through its interpreter.` };
    }
    return {
      kind: 'command-not-found',
      reason: pathLike ? `command "${command}" does not exist` : `command "${command}" was not found on PATH`,
      details: [],
      hint: pathLike
        ? 'Check the path; it must be absolute and exist on this machine.'
        : `Install ${command}, or use its absolute path (find it with \`which ${command}\`): GUI hosts such as Claude Desktop do not inherit your shell's PATH.`,
    };
  }

  const nonJson = firstNonJsonOutput(exit);
  if (exit.timedOut && nonJson !== undefined) {
    // A server that printed something else and then waits (cmd.exe's "Terminate batch job
    // (Y/N)?", a login prompt) or floods: the line is the cause, the timeout only the symptom.
    return {
      kind: 'non-json-stdout',
      reason: `printed non-JSON on stdout: "${quote(nonJson)}", then gave no answer to initialize within ${context.timeoutMs} ms`,
      details: [...nonJsonDetails(exit, nonJson), ...stderrDetails(exit)],
      hint: `${NON_JSON_HINT} If that line is a prompt, the server is waiting for an answer on stdin that no host will give.`,
    };
  }
  if (exit.timedOut) {
    return {
      kind: 'timeout',
      reason: `no answer to initialize within ${context.timeoutMs} ms`,
      details: stderrDetails(exit),
      hint: 'It may be waiting for input, downloading on first run (npx, uvx), or stuck. Run it in a terminal, or retry with a longer --timeout.',
    };
  }
  const relativeArg = findMissingRelativeArg(entry, context.cwd);
  const exited = typeof exit.exitCode === 'number' || !!exit.signal;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;

  if (exited && relativeArg) {
    return {
      kind: 'relative-path',
      reason: `${how} during start-up: argument "${relativeArg}" is a relative path that does not exist from ${context.cwd}`,
      details: stderrDetails(exit),
      hint: `Use an absolute path for "${relativeArg}": hosts start servers from a directory you do not choose.`,
    };
  }
  const missingScript = findMissingAbsoluteArg(entry) ?? scriptNotFoundIn(exit.stderrTail);
  if (exited && missingScript) {
    return {
      kind: 'file-not-found',
      reason: `${how} during start-up: file "${missingScript}" not found`,
      details: stderrDetails(exit).slice(0, 4),
      hint: `Check the path in the entry's args: ${missingScript} does not exist on this machine (moved, deleted, or a package that was uninstalled).`,
    };
  }
  const dependency = findMissingDependency(exit.stderrTail);
  if (exited && dependency) {
    return {
      kind: 'missing-dependency',
      reason: `${how}: missing dependency "${dependency.name}" (${dependency.kind.replace('-', ' ')})`,
      details: [`stderr: ${dependency.line}`, ...stderrDetails(exit).filter((d) => d !== `stderr: ${dependency.line}`).slice(0, 4)],
      hint: DEPENDENCY_HINTS[dependency.kind](dependency.name),
    };
  }
  if (nonJson !== undefined) {
    return {
      kind: 'non-json-stdout',
      reason: `printed non-JSON on stdout: "${quote(nonJson)}"`,
      details: [...nonJsonDetails(exit, nonJson), ...stderrDetails(exit)],
      hint: NON_JSON_HINT,
    };
  }
  if (exited) {
    return {
      kind: 'exited',
      reason: `${how} before answering initialize`,
      details: stderrDetails(exit),
      hint:
        exit.stderrTail.length > 0
          ? 'The lines above are the last the server wrote to stderr; they usually say what is wrong.'
          : 'It wrote nothing to stderr. Run the command in a terminal to see what it does.',
    };
  }
  return { kind: 'failed', reason: error?.message ?? 'connection failed', details: stderrDetails(exit) };
}

/** Node's own report of a script that is not there: "Cannot find module '/srv/x.js'". */
function scriptNotFoundIn(stderr: readonly string[]): string | undefined {
  for (const line of stderr) {
    const match = /Cannot find module '([^']+)'/.exec(line);
    if (match?.[1] && isPathLike(match[1])) return match[1];
  }
  return undefined;
}

export function diagnoseRemote(url: string, exit: UpstreamExit, timeoutMs: number, name?: string): Diagnosis {
  const error = exit.error as (Error & { code?: string; cause?: { code?: string } }) | undefined;
  const netCode = error?.cause?.code ?? error?.code;
  let where = url;
  try {
    const parsed = new URL(url);
    where = `${parsed.origin}${parsed.pathname}`; // no query string: it may carry a key
  } catch {
    // keep as is
  }
  if (exit.needsAuth) {
    return {
      kind: 'needs-auth',
      reason: `needs authentication (HTTP ${exit.httpStatus ?? 401})`,
      details: exit.httpStatus === 403 ? ['The server refused the credentials that were sent.'] : [],
      hint: `Log in: patchbay mcp login ${name ?? '<name>'} (OAuth; a running hub starts the server once the login is done), or add an Authorization header to the entry (e.g. "headers": {"Authorization": "Bearer \${TOKEN}"}).`,
    };
  }
  if (exit.httpStatus === 404) {
    return {
      kind: 'http-not-found',
      reason: `HTTP 404: no MCP endpoint at ${where}`,
      details: [],
      hint: 'Check the URL path (Streamable HTTP servers usually serve /mcp, legacy SSE servers /sse) and the transport type (http or sse).',
    };
  }
  if (exit.httpStatus) {
    return { kind: 'http-error', reason: `HTTP ${exit.httpStatus} from ${where}`, details: error ? [error.message] : [], hint: 'Check the URL and the transport type (http or sse).' };
  }
  if (netCode === 'ECONNREFUSED') {
    return { kind: 'connection-refused', reason: `connection refused: nothing is listening at ${where}`, details: [], hint: 'Start the server, or check the host and port in the URL.' };
  }
  if (netCode === 'ENOTFOUND' || netCode === 'EAI_AGAIN') {
    return { kind: 'dns', reason: `host not found: ${where}`, details: [], hint: 'Check the host name in the URL and your network/DNS.' };
  }
  if (exit.timedOut) {
    return { kind: 'timeout', reason: `no answer within ${timeoutMs} ms from ${where}`, details: [], hint: 'Check that the server is up, or retry with a longer --timeout.' };
  }
  const cause = error?.cause as { message?: string } | undefined;
  // A raw fetch error quotes the URL whole, credentials included (issue 9, item 3).
  const message = redactText([error?.message, cause?.message].filter(Boolean).join(': '));
  const advice = urlCredentialAdvice(url);
  if (hasUserinfoPassword(url)) return { kind: 'url-credentials', reason: `the URL carries credentials, which cannot be sent that way (${where})`, details: message ? [message] : [], hint: advice };
  return { kind: 'failed', reason: `${message || 'connection failed'} (${where})`, details: [], ...(advice ? { hint: advice } : {}) };
}
