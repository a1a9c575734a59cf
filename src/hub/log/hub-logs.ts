/**
 * The hub's log files, named as Claude Desktop names its own so users find them where they
 * already look: `mcp.log` for the hub and `mcp-server-<name>.log` per server, in
 * `patchbayPaths().log` unless another directory is given. Line format follows Claude Desktop's
 * too: `<ISO time> [<server>] [<level>] <message>`.
 */
import { join } from 'node:path';
import { patchbayPaths } from '../../paths.js';
import { createRotatingFile, type RotatingFile } from './rotating-file.js';
import { redactText } from '../../secrets/redact/index.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  log(level: LogLevel, message: string): void;
  /** Whether debug lines are kept; lets callers skip building an expensive payload. */
  readonly debugEnabled: boolean;
}

export interface HubLogsOptions {
  /** Directory for the files (default `patchbayPaths().log`). */
  dir?: string;
  /** Lowest level written (default `PATCHBAY_LOG_LEVEL` or 'info'). */
  level?: LogLevel;
  maxBytes?: number;
  keep?: number;
}

/** A line as written, for a watcher (the dashboard): `source` is the server's name, or `patchbay`. */
export interface LogLine {
  source: string;
  level: LogLevel;
  message: string;
  time: number;
}

export interface HubLogs {
  readonly dir: string;
  readonly hub: Logger;
  /** The logger for one server; `secrets` are masked in every line it writes. */
  server(name: string, secrets?: readonly string[]): Logger;
  /** Hears every line written from now on, until the returned function is called. */
  watch(listener: (line: LogLine) => void): () => void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** File name for a server's log; characters a file system may reject become `_`. */
export function serverLogFileName(name: string): string {
  return `mcp-server-${name.replace(/[^A-Za-z0-9._@-]/g, '_')}.log`;
}

export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  const v = value?.toLowerCase();
  return v === 'debug' || v === 'info' || v === 'warn' || v === 'error' ? v : undefined;
}

export function createHubLogs(options: HubLogsOptions = {}): HubLogs {
  const dir = options.dir ?? patchbayPaths().log;
  const level = options.level ?? parseLogLevel(process.env.PATCHBAY_LOG_LEVEL) ?? 'info';
  const files = new Map<string, RotatingFile>();
  const watchers = new Set<(line: LogLine) => void>();

  function file(name: string): RotatingFile {
    let f = files.get(name);
    if (!f) {
      f = createRotatingFile({ path: join(dir, name), maxBytes: options.maxBytes, keep: options.keep });
      files.set(name, f);
    }
    return f;
  }

  function logger(fileName: string, tag: string, secrets: readonly string[]): Logger {
    return {
      debugEnabled: LEVEL_ORDER[level] === 0,
      log(lineLevel, message) {
        if (LEVEL_ORDER[lineLevel] < LEVEL_ORDER[level]) return;
        // Every line, the hub's own too: a fetch error can quote a URL with credentials in it.
        const text = redactText(message, secrets);
        const now = new Date();
        file(fileName).write(`${now.toISOString()} [${tag}] [${lineLevel}] ${text}`);
        for (const watcher of watchers) watcher({ source: tag, level: lineLevel, message: text, time: now.getTime() });
      },
    };
  }

  return {
    dir,
    hub: logger('mcp.log', 'patchbay', []),
    server: (name, secrets = []) => logger(serverLogFileName(name), name, secrets),
    watch(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
    async flush() {
      await Promise.all([...files.values()].map((f) => f.flush()));
    },
    async close() {
      await Promise.all([...files.values()].map((f) => f.close()));
      files.clear();
    },
  };
}
