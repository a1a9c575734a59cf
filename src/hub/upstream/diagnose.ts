/**
 * Turns the facts of a failed upstream (UpstreamExit) into what a user can act on: a one-line
 * reason, supporting details and a hint. The cases are the guide's troubleshooting table
 * (chapter 8.3 and Appendix C, Table 3) plus what `claude mcp list` leaves unexplained.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { StdioEntry } from '../../config/types.js';
import type { UpstreamExit } from './connection.js';

export interface Diagnosis {
  reason: string;
  details: string[];
  hint?: string;
  /** A stable tag for tests and `--json` consumers. */
  kind:
    | 'command-not-found'
    | 'relative-path'
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
      // "Error: not found" is a message, not a missing program called Error.
      if (match?.[1] && !/^(error|warning|fatal|info)$/i.test(match[1])) return { name: match[1], kind, line };
    }
  }
  return undefined;
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
  const dependency = findMissingDependency(exit.stderrTail);
  if (exited && dependency) {
    return {
      kind: 'missing-dependency',
      reason: `${how}: missing dependency "${dependency.name}" (${dependency.kind.replace('-', ' ')})`,
      details: [`stderr: ${dependency.line}`, ...stderrDetails(exit).filter((d) => d !== `stderr: ${dependency.line}`).slice(0, 4)],
      hint: DEPENDENCY_HINTS[dependency.kind](dependency.name),
    };
  }
  if (exit.nonJsonLines.length > 0) {
    const first = exit.nonJsonLines[0] ?? '';
    return {
      kind: 'non-json-stdout',
      reason: `printed non-JSON on stdout: "${first}"`,
      details: [
        `Hosts fail on this line with: Unexpected token '${first.trim()[0] ?? '?'}', "${first.trim().slice(0, 10)}"... is not valid JSON`,
        ...stderrDetails(exit),
      ],
      hint: 'stdout is reserved for JSON-RPC messages: the server (or a script wrapping it) must log to stderr. Check the server\'s issues for this bug.',
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

export function diagnoseRemote(url: string, exit: UpstreamExit, timeoutMs: number): Diagnosis {
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
      hint: 'Authenticate (OAuth) from your host, or add an Authorization header to the entry (e.g. "headers": {"Authorization": "Bearer ${TOKEN}"}).',
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
  const message = [error?.message, cause?.message].filter(Boolean).join(': ');
  return { kind: 'failed', reason: `${message || 'connection failed'} (${where})`, details: [] };
}
