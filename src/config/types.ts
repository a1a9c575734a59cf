/**
 * The shapes of MCP server entries as hosts store them (see
 * ../shared/reference/claude-code-config-files.md), plus Patchbay's own `patchbay` key,
 * which hosts ignore because they ignore unknown keys.
 */
import type { SandboxOption } from '../sandbox/options.js';

/** Claude Code's scopes, plus Claude Desktop's file as a read-only source. */
export type Scope = 'local' | 'project' | 'user';
export type SourceKind = Scope | 'claude-desktop';

export interface PatchbayEntryOptions {
  /** Leave the server configured but do not start or serve it. */
  disabled?: boolean;
  /** Only these tools are served (names as the server gives them). */
  allowTools?: string[];
  /** These tools are never served. */
  denyTools?: string[];
  /** Prefix for this server's tools, prompts and resources; default `<name>`. `''` means none. */
  prefix?: string;
  /** Per-call timeout in milliseconds. */
  timeoutMs?: number;
  /** stdio only: run the server confined (see src/sandbox/README.md). */
  sandbox?: SandboxOption;
}

interface EntryBase {
  patchbay?: PatchbayEntryOptions;
  /** Keys we do not know are kept as they were when the entry is written back. */
  [unknownKey: string]: unknown;
}

export interface StdioEntry extends EntryBase {
  /** Absent in entries imported from Claude Desktop: stdio is implied by `command`. */
  type?: 'stdio';
  command: string;
  args?: string[];
  env?: Record<string, string>;
}

export interface OAuthOptions {
  clientId?: string;
  clientSecret?: string;
  callbackPort?: number;
}

export interface RemoteEntry extends EntryBase {
  type: 'http' | 'sse';
  url: string;
  headers?: Record<string, string>;
  oauth?: OAuthOptions;
}

export type ServerEntry = StdioEntry | RemoteEntry;

export function isStdioEntry(entry: ServerEntry): entry is StdioEntry {
  return entry.type === undefined || entry.type === 'stdio';
}

/** One server as found in one file. */
export interface ScopedServer {
  name: string;
  scope: SourceKind;
  /** Absolute path of the file the entry lives in. */
  file: string;
  entry: ServerEntry;
  /** Project scope only: whether the user approved it (.claude/settings.local.json). */
  approval?: 'approved' | 'rejected' | 'pending';
}

/** A problem in a config file: what, where (file, line, column, server, field), what to do. */
export interface ConfigProblem {
  file: string;
  server?: string;
  field?: string;
  line?: number;
  column?: number;
  /** The offending source line, for syntax errors. */
  sourceLine?: string;
  message: string;
  hint?: string;
}

/** Project approvals, from `<root>/.claude/settings.local.json` (and ~/.claude.json's project). */
export interface ProjectApprovals {
  enabled: string[];
  disabled: string[];
  enableAll: boolean;
}
