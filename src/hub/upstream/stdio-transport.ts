/**
 * An SDK `Transport` over a child process's stdin/stdout, written for diagnosis rather than
 * taken from the SDK: the SDK's StdioClientTransport closes on the first line that is not
 * JSON-RPC and does not keep the exit code or stderr. Here a non-JSON stdout line is recorded,
 * reported and skipped (hosts show it as `Unexpected token … is not valid JSON`; a tolerant
 * client keeps going), stderr goes to a bounded, redacted tail, and the exit code or signal is
 * kept for whoever asks why the server went away.
 *
 * Shutdown follows the MCP stdio lifecycle (spec 2025-11-25, basic/lifecycle "Shutdown"): close
 * the child's stdin, wait, SIGTERM, wait, SIGKILL. The child leads its own process group on
 * POSIX so that signals also reach what it started (`npx` → node, `uv run` → python).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { deserializeMessage, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import { createLineSplitter, type LineSplitter, type OversizedLine } from './line-splitter.js';
import { createLineTail } from './line-tail.js';
import { redactArgs, type Redactor } from '../../secrets/redact/index.js';
import { DEFAULT_MAX_MESSAGE_BYTES, formatMiB, identifyOversized, raiseHint } from './oversized.js';
import { trackChild, untrackChild } from './child-registry.js';
import { killProcessGroup } from '../../process-group.js';

export interface StdioTransportOptions {
  command: string;
  args: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  redact: Redactor;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** Per step of the shutdown sequence (stdin end → SIGTERM → SIGKILL). Default 2000 ms. */
  closeGraceMs?: number;
  stderrTailLines?: number;
  nonJsonTailLines?: number;
  /** The largest stdout message (one line) accepted; a larger one is dropped and answered with an error (oversized.ts). */
  maxMessageBytes?: number;
  /** The server's name, for the error a caller reads. */
  serverName?: string;
}

export interface StdioFacts {
  exitCode?: number | null;
  signal?: string | null;
  stderrTail: string[];
  /** The last non-JSON stdout lines (a ring: a flood keeps only its end). */
  nonJsonLines: string[];
  /** The first non-JSON stdout line, kept whatever followed it (a flood, a hang). */
  firstNonJsonLine?: string;
  /** How many non-JSON lines there were. */
  nonJsonCount?: number;
  /** Text on stdout still waiting for a newline, when it is not the start of a JSON message (a prompt). */
  unterminatedStdout?: { head: string; bytes: number };
  error?: Error;
}

export interface StdioTransport extends Transport {
  readonly pid: number | undefined;
  facts(): StdioFacts;
  /** Resolves once the child has exited (or failed to spawn) and its pipes are closed. */
  readonly exited: Promise<void>;
}

/** A stderr line is for people: past this it is cut (the tail keeps 2,000 characters anyway). */
const MAX_STDERR_LINE_BYTES = 64 * 1024;

export function createStdioTransport(options: StdioTransportOptions): StdioTransport {
  const grace = options.closeGraceMs ?? 2_000;
  const stderrTail = createLineTail(options.stderrTailLines ?? 50);
  const nonJson = createLineTail(options.nonJsonTailLines ?? 20);
  const log = options.log;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  let child: ChildProcess | undefined;
  let exitCode: number | null | undefined;
  let signal: string | null | undefined;
  let spawnError: Error | undefined;
  let closed = false;
  let stdoutLines: LineSplitter | undefined;
  let firstNonJson: string | undefined;
  let nonJsonCount = 0;
  let resolveExited!: () => void;
  const exited = new Promise<void>((resolve) => (resolveExited = resolve));

  const transport: StdioTransport = {
    get pid() {
      return child?.pid;
    },
    exited,
    facts() {
      const pending = stdoutLines?.unterminated();
      const unterminated = pending && !pending.head.trimStart().startsWith('{') ? { head: options.redact(pending.head), bytes: pending.bytes } : undefined;
      return {
        exitCode,
        signal,
        stderrTail: stderrTail.lines(),
        nonJsonLines: nonJson.lines(),
        ...(firstNonJson !== undefined ? { firstNonJsonLine: firstNonJson, nonJsonCount } : {}),
        ...(unterminated ? { unterminatedStdout: unterminated } : {}),
        ...(spawnError ? { error: spawnError } : {}),
      };
    },
    start() {
      return new Promise<void>((resolve, reject) => {
        const proc = spawn(options.command, options.args, {
          cwd: options.cwd,
          env: options.env,
          stdio: ['pipe', 'pipe', 'pipe'],
          detached: process.platform !== 'win32',
          windowsHide: true,
        });
        child = proc;
        proc.once('spawn', () => {
          trackChild(proc);
          log?.('info', `started pid ${proc.pid}: ${options.redact([options.command, ...redactArgs(options.args)].join(' '))}`);
          resolve();
        });
        proc.once('error', (error) => {
          // 'error' without a pid is a failed spawn (ENOENT, EACCES); 'close' may never follow.
          if (proc.pid === undefined) {
            spawnError = error;
            log?.('error', `could not start: ${error.message}`);
            finish();
            reject(error);
          } else {
            log?.('error', `process error: ${error.message}`);
          }
        });
        proc.once('close', (code, sig) => {
          exitCode = code;
          signal = sig;
          log?.(code === 0 ? 'info' : 'warn', sig ? `exited on ${sig}` : `exited with code ${code}`);
          finish();
        });
        proc.stdin?.on('error', (error) => log?.('debug', `stdin: ${error.message}`));
        stdoutLines = readLines(proc.stdout!, maxMessageBytes, onStdoutLine, onOversizedMessage);
        const onStderrLine = (line: string) => {
          const clean = options.redact(line);
          stderrTail.push(clean);
          log?.('info', `stderr: ${clean}`);
        };
        readLines(proc.stderr!, MAX_STDERR_LINE_BYTES, onStderrLine, (line) => onStderrLine(`${line.head}… (a line of ${line.bytes} bytes, cut)`));
      });
    },
    async send(message: JSONRPCMessage) {
      const stdin = child?.stdin;
      if (!stdin || !stdin.writable || closed) throw new Error('the server process is not running');
      if (!stdin.write(`${JSON.stringify(message)}\n`)) {
        await new Promise<void>((resolve) => {
          stdin.once('drain', resolve);
          stdin.once('close', resolve);
        });
      }
    },
    close() {
      // The SDK closes on a failed handshake and so does its caller: one shutdown sequence only.
      closing ??= shutdown();
      return closing;
    },
  };
  let closing: Promise<void> | undefined;

  async function shutdown(): Promise<void> {
    const proc = child;
    if (!proc || closed) return exited;
    proc.stdin?.end();
    if (await settlesWithin(exited, grace)) return;
    killProcessGroup(proc, 'SIGTERM');
    if (await settlesWithin(exited, grace)) return;
    killProcessGroup(proc, 'SIGKILL');
    // A process in uninterruptible sleep can ignore even SIGKILL for a moment: do not wait forever.
    await settlesWithin(exited, grace);
    finish();
  }

  function onStdoutLine(line: string): void {
    if (line.trim() === '') return;
    let message: JSONRPCMessage;
    try {
      message = parseMessage(line);
    } catch {
      recordNonJson(options.redact(line));
      return;
    }
    inbox.push(message);
    if (!pumping) void pump();
  }

  // Messages are handed to the SDK one microtask apart. The SDK dispatches a notification on a
  // later microtask but a response at once, so a progress notification and the final response
  // that arrive in one stdout chunk would otherwise reach it in the wrong order, and the progress
  // would be dropped as "unknown token" (its handler is gone once the response is in).
  const inbox: JSONRPCMessage[] = [];
  let head = 0;
  let pumping = false;
  let afterDrain: (() => void) | undefined;
  async function pump(): Promise<void> {
    pumping = true;
    while (head < inbox.length) {
      const message = inbox[head++] as JSONRPCMessage;
      transport.onmessage?.(message);
      await Promise.resolve();
      await Promise.resolve();
    }
    inbox.length = 0;
    head = 0;
    pumping = false;
    afterDrain?.();
  }

  function finish(): void {
    if (closed) return;
    closed = true;
    if (child) untrackChild(child);
    const report = () => {
      resolveExited();
      transport.onclose?.();
    };
    // A server that answers and exits at once: deliver its last answers before the close.
    if (pumping) afterDrain = report;
    else report();
  }

  function recordNonJson(clean: string): void {
    nonJson.push(clean);
    nonJsonCount++;
    if (firstNonJson === undefined) firstNonJson = clean.length > 2_000 ? `${clean.slice(0, 2_000)}…` : clean;
    log?.('warn', `stdout line is not JSON-RPC, skipped: ${clean}`);
  }

  function readLines(stream: NodeJS.ReadableStream, maxLineBytes: number, onLine: (line: string) => void, onOversized: (line: OversizedLine) => void): LineSplitter {
    const splitter = createLineSplitter({ maxLineBytes, onLine, onOversized });
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    stream.on('end', () => splitter.end());
    return splitter;
  }

  /**
   * A message over the limit was dropped unread (line-splitter.ts). Say so in the server's log
   * and to whoever waits for it: the request it answers fails now, naming the limit and the
   * setting that raises it, instead of timing out; a request from the server gets an error.
   */
  function onOversizedMessage(line: OversizedLine): void {
    const what = identifyOversized(line);
    const size = formatMiB(line.bytes);
    const limit = formatMiB(maxMessageBytes);
    const who = options.serverName ? `Server "${options.serverName}"` : 'The server';
    const text = `${who} sent a message of ${size}${what.method ? ` (${what.method})` : ''}, over Patchbay's ${limit} limit for one message from this server; it was dropped. ${raiseHint(line.bytes)}.`;
    if (what.kind === 'response' && what.id !== undefined) {
      log?.('error', `${text} The request it answered (id ${JSON.stringify(what.id)}) gets this error.`);
      const error = { jsonrpc: '2.0', id: what.id, error: { code: -32603, message: text, data: { limit: maxMessageBytes, bytes: line.bytes } } };
      inbox.push(error as JSONRPCMessage);
      if (!pumping) void pump();
    } else if (what.kind === 'request' && what.id !== undefined) {
      log?.('error', `${text} It was a request; the server gets an error answer.`);
      void transport.send({ jsonrpc: '2.0', id: what.id, error: { code: -32600, message: `Message too large for Patchbay: ${size} is over the ${limit} limit` } } as JSONRPCMessage).catch(() => undefined);
    } else if (what.kind === 'notification') {
      log?.('error', text);
    } else if (!line.head.trimStart().startsWith('{')) {
      // Not JSON at all: a flood of garbage is a non-JSON line like any other, only longer.
      recordNonJson(`${options.redact(line.head.slice(0, 100))}… (${size} without a newline)`);
    } else {
      log?.('error', `${text} Its id could not be read, so a request waiting for it ends at its timeout.`);
    }
  }

  return transport;
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * A response (the bulk of the traffic) is checked by hand, with the same rules as the SDK's
 * JSON-RPC message schema, instead of by a zod parse per line; anything else, or a response
 * that fails the check, goes through the SDK's deserializeMessage as before.
 */
function parseMessage(line: string): JSONRPCMessage {
  const value = JSON.parse(line) as Record<string, unknown> | null;
  if (isPlainResponse(value)) return value as unknown as JSONRPCMessage;
  return deserializeMessage(line);
}

function isPlainResponse(v: Record<string, unknown> | null): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v.jsonrpc !== '2.0' || 'method' in v) return false;
  const id = v.id;
  if (typeof id !== 'string' && !Number.isInteger(id)) return false;
  if ('result' in v) {
    const r = v.result as Record<string, unknown> | null;
    if ('error' in v || r === null || typeof r !== 'object' || Array.isArray(r)) return false;
    const meta = r._meta;
    return meta === undefined || (meta !== null && typeof meta === 'object' && !Array.isArray(meta));
  }
  const e = v.error as Record<string, unknown> | null | undefined;
  return e !== null && typeof e === 'object' && Number.isInteger(e.code) && typeof e.message === 'string';
}
