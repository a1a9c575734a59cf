/**
 * The gateway over stdio, for hosts that launch a command (Claude Desktop, Cursor, VS Code):
 * newline-delimited JSON-RPC on stdin/stdout (spec 2025-11-25, basic/transports, "stdio"), one
 * session for the life of the process. Everything unrelated to the protocol goes to stderr so
 * stdout carries only messages.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { toRpcError } from './dispatcher.js';
import type { Gateway } from './index.js';
import { answerMessage, errorResponse, METHOD_NOT_FOUND, resultResponse, type JsonRpcRequest, type ResponseId } from './jsonrpc.js';
import { parseClientMessage } from './parse-message.js';
import { LATEST_LEGACY_VERSION, MODERN_METHODS, MODERN_VERSION, readEnvelope } from './protocol.js';
import { abortSession, createSession } from './session.js';

export interface StdioOptions {
  input: Readable;
  output: Writable;
  /** Who is calling (`patchbay gateway --stdio --client NAME`); default `default`. */
  client?: string;
}

/** Serves until stdin ends; resolves then, after outstanding calls were aborted. */
export function serveStdio(gateway: Gateway, options: StdioOptions): Promise<void> {
  const { dispatcher, sessions, hub } = gateway;
  const { output } = options;
  const write = (message: string): boolean => {
    if (output.writableEnded || (output as { destroyed?: boolean }).destroyed) return false;
    output.write(`${message}\n`);
    return true;
  };
  const session = createSession('legacy', LATEST_LEGACY_VERSION, 'stdio');
  session.client = options.client ?? 'default';
  session.sink = { send: write };
  sessions.add(session);
  let modernCounter = 0;
  const link = { notify: (m: string) => void write(m), sendRequest: write };

  function serve(s: typeof session, request: JsonRpcRequest, id: ResponseId): void {
    dispatcher.call(s, request, { ...link }).then(
      (result) => write(answerMessage(id, result)),
      (error: unknown) => {
        const e = toRpcError(error);
        write(errorResponse(id, e.code, e.message, e.data));
      },
    );
  }

  function onLine(line: string): void {
    if (line.trim() === '') return;
    const parsed = parseClientMessage(line);
    if (parsed.kind === 'error') {
      write(errorResponse(parsed.id, parsed.code, parsed.error));
    } else if (parsed.kind === 'response') {
      dispatcher.answer(session, parsed.message);
    } else if (parsed.kind === 'notification') {
      dispatcher.notification(session, parsed.message.method, parsed.message.params);
    } else if (parsed.message.method === 'initialize') {
      write(resultResponse(parsed.id, dispatcher.initialize(session, parsed.message.params)));
    } else {
      const msg = parsed.message;
      const envelope = readEnvelope(msg.params);
      if (envelope !== undefined) {
        // SEP-2575: removed and unknown methods are not found in 2026-07-28 (over HTTP also a 404).
        if (!MODERN_METHODS.has(msg.method)) {
          write(errorResponse(parsed.id, METHOD_NOT_FOUND, `Method not found: ${msg.method} (not a method of protocol ${MODERN_VERSION})`));
          return;
        }
        const modern = createSession('modern', MODERN_VERSION, `stdio-modern-${++modernCounter}`);
        modern.client = session.client;
        modern.clientCapabilities = envelope.clientCapabilities;
        modern.logLevel = envelope.logLevel;
        serve(modern, msg, parsed.id);
      } else {
        serve(session, msg, parsed.id);
      }
    }
  }

  // The host went away (EPIPE on stdout): stop reading, so the gateway shuts its servers down
  // instead of dying on an unhandled stream error.
  output.on('error', () => options.input.destroy());
  return new Promise((resolve) => {
    const lines = createInterface({ input: options.input, crlfDelay: Infinity });
    lines.on('line', onLine);
    // readline closes on end of input, not when the stream is destroyed (SIGTERM, EPIPE above).
    options.input.once('close', () => lines.close());
    lines.on('close', () => {
      sessions.delete(session.id);
      abortSession(session, 'stdin closed');
      hub.closeSession(session.id);
      resolve();
    });
  });
}
