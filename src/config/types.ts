/**
 * The shapes of MCP server entries as hosts store them (see
 * ../shared/reference/claude-code-config-files.md), plus Patchbay's own `patchbay` key,
 * which hosts ignore because they ignore unknown keys.
 */
import type { SandboxOption } from '../sandbox/options.js';

import type { SecretsPolicy } from '../secrets/traffic/policy.js';

/**
 * Claude Code's scopes (local, project, user), Patchbay's own (`patchbay`: a file only the hub
 * reads, so servers behind the gateway are not also loaded by a host), and Claude Desktop's file
 * as a read-only source.
 */
export type Scope = 'local' | 'project' | 'user' | 'patchbay';
/** The scopes Claude Code reads itself; a gateway launched by Claude Code leaves them to it. */
export type ClaudeCodeScope = Exclude<Scope, 'patchbay'>;
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
  /** For tools no permission rule names: allow, ask or deny (src/policy/rules/). */
  defaultMode?: 'allow' | 'ask' | 'deny';
  /**
   * Which protocol era to speak to this server: `auto` (default; http probes 2026-07-28's
   * server/discover and falls back to initialize, stdio and sse initialize), `2026-07-28`
   * (stateless, every transport), `2025-11-25` (initialize, even over http).
   */
  protocol?: 'auto' | '2026-07-28' | '2025-11-25';
  /** What to do with secrets in this server's traffic (src/secrets/traffic/policy.ts). */
  secrets?: SecretsPolicy;
  /**
   * Pinning of this server's definitions (src/policy/pins/): `trust-new` (default) trusts a new
   * tool of a known server on first sight, `strict` holds it until approved, `off` pins nothing.
   */
  pinning?: 'trust-new' | 'strict' | 'off';
  /** Parts of its definitions that legitimately change, left out before hashing (src/policy/pins/ignore.ts). */
  pinIgnore?: { patterns?: string[]; paths?: string[] };
  /** stdio: the largest message (one stdout line) taken from the server, in MiB (default 32). */
  maxMessageMb?: number;
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
  /** A client ID metadata document URL, used when the authorization server supports them. */
  clientMetadataUrl?: string;
  /** Log in even when the authorization server does not advertise PKCE S256. */
  allowMissingPkce?: boolean;
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
  /** Settings for this name in Patchbay's config.json (`servers`), already merged into `entry.patchbay`. */
  settings?: PatchbayEntryOptions;
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
