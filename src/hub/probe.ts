/**
 * One health check of one server, as `patchbay mcp list` and `patchbay doctor` run it: connect,
 * initialize (or server/discover), tools/list, close, all within one timeout; and when it fails,
 * say why in words a user can act on — the same words `patchbay up` uses (upstream/diagnose.ts).
 */
import { expandEntry } from '../config/registry.js';
import type { ScopedServer, ServerEntry } from '../config/types.js';
import { isPatchbayError } from '../errors.js';
import { resolveEntryReferences, type Resolution } from '../secrets/references.js';
import { redactText } from '../secrets/redact/index.js';
import type { SecretStore } from '../secrets/store/secret-store.js';
import { CLIENT_CAPABILITIES } from './client-capabilities.js';
import { connectUpstream, UpstreamConnectError, type ConnectOptions, type UpstreamConnection } from './upstream/connection.js';
import { diagnoseBeforeStart, diagnoseExit, diagnoseMissingEnv, firstNonJsonOutput, type Diagnosis } from './upstream/diagnose.js';
import type { ServerLists } from './catalog.js';
import { offeredKinds, readLists } from './list-all.js';

export type ProbeStatus = 'connected' | 'failed' | 'needs-auth' | 'pending-approval' | 'disabled';

export interface ProbeResult {
  name: string;
  status: ProbeStatus;
  /** One line: "exited with code 1", "HTTP 404 Not Found", "no answer within 5000 ms", ... */
  reason?: string;
  /** Supporting lines: last stderr lines, the first non-JSON stdout line, missing variables. */
  details?: string[];
  /** What to do about it. */
  hint?: string;
  /** A stable tag for the failure (see Diagnosis['kind']), for scripts and tests. */
  kind?: Diagnosis['kind'] | 'pending-approval' | 'rejected' | 'disabled' | 'missing-secret' | 'reference-refused';
  serverName?: string;
  serverVersion?: string;
  protocolVersion?: string;
  toolCount?: number;
  /** With `lists: true`: everything the server lists (tools, prompts, resources, templates). */
  lists?: ServerLists;
  /** With `lists: true`: lists the server offered but failed to give. */
  listErrors?: string[];
  /** The tools' names as the server gives them (collisions across servers: probe-collisions.ts). */
  toolNames?: string[];
  /**
   * Set when the server adapts its list to the client's capabilities and a client declaring
   * none gets another count; `toolCount` is for Patchbay's (client-capabilities.ts).
   */
  toolCountWithoutCapabilities?: number;
  durationMs: number;
}

export interface ProbeOptions {
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where `${secret:…}` resolves (default: the user's store, opened only when the entry has one). */
  secrets?: SecretStore;
  /** Read every list the server offers, not only count its tools (`patchbay scan`, doctor's scan). */
  lists?: boolean;
}

/** Enough to read every page of a sane server, bounded against one that loops on its cursor. */
const MAX_TOOL_PAGES = 50;

export async function probeServer(server: ScopedServer, options: ProbeOptions): Promise<ProbeResult> {
  const started = Date.now();
  let known: readonly string[] = [];
  const clean = (text: string) => (known.length > 0 ? redactText(text, known) : text);
  const done = (result: Omit<ProbeResult, 'name' | 'durationMs'>): ProbeResult => ({
    name: server.name,
    ...result,
    ...(result.reason !== undefined ? { reason: clean(result.reason) } : {}),
    ...(result.details ? { details: result.details.map(clean) } : {}),
    ...(result.hint !== undefined ? { hint: clean(result.hint) } : {}),
    durationMs: Date.now() - started,
  });

  if (server.approval === 'pending') {
    return done({
      status: 'pending-approval',
      kind: 'pending-approval',
      reason: 'project server not approved yet',
      details: [`defined in ${server.file}`],
      hint: `Approve it when Claude Code asks, or add "${server.name}" to "enabledMcpjsonServers" in .claude/settings.local.json of the project.`,
    });
  }
  if (server.approval === 'rejected') {
    return done({
      status: 'disabled',
      kind: 'rejected',
      reason: 'project server rejected for this project',
      hint: 'Run `claude mcp reset-project-choices` to be asked again.',
    });
  }
  if (server.entry.patchbay?.disabled) {
    return done({ status: 'disabled', kind: 'disabled', reason: 'disabled in Patchbay', hint: 'Remove "patchbay": {"disabled": true} from the entry to enable it.' });
  }

  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let references: Resolution;
  try {
    const store = options.secrets ?? (async () => (await import('../secrets/store/open-store.js')).openSecretStore({ env }));
    references = await resolveEntryReferences(server, { store, env, cwd, commandTimeoutMs: options.timeoutMs });
  } catch (error) {
    if (!isPatchbayError(error)) throw error;
    const kind = error.code === 'SECRET_MISSING' ? 'missing-secret' : error.code === 'REFERENCE_REFUSED' ? 'reference-refused' : 'failed';
    return done({ status: 'failed', kind, reason: redactText(error.message), details: [], hint: error.hint });
  }
  known = references.secretValues;
  const { entry: expanded, missing } = expandEntry(server.entry, env, references.values);
  if (missing.length > 0) return done({ status: 'failed', ...fromDiagnosis(diagnoseMissingEnv(missing)) });
  const early = diagnoseBeforeStart(expanded, cwd);
  if (early) return done({ status: 'failed', ...fromDiagnosis(early) });

  const connectOptions: ConnectOptions = {
    timeoutMs: options.timeoutMs,
    cwd,
    env,
    closeGraceMs: 500,
    ...(server.entry.patchbay?.protocol ? { negotiation: server.entry.patchbay.protocol } : {}),
    secretValues: references.secretValues,
  };
  const remaining = () => Math.max(1, options.timeoutMs - (Date.now() - started));
  let connection: UpstreamConnection | undefined;
  try {
    // Declared as the hub declares them, so the tools counted here are the ones `up` serves.
    connection = await connectUpstream(server.name, expanded, { ...connectOptions, clientCapabilities: CLIENT_CAPABILITIES });
    let adapted = false;
    connection.onNotification = (method) => {
      if (method === 'notifications/tools/list_changed') adapted = true;
    };
    connection.onRequest = async (method) => {
      if (method === 'roots/list') return { roots: [] };
      throw Object.assign(new Error(`${method} is not answered by a health check`), { code: -32601 });
    };
    let lists: ServerLists | undefined;
    const listErrors: string[] = [];
    if (options.lists) {
      lists = await readLists(connection, offeredKinds(connection.capabilities), remaining(), (kind, error) => listErrors.push(`${kind}: ${error instanceof Error ? error.message : String(error)}`));
    }
    const toolNames = lists ? lists.tools.map((t) => t.name) : await listToolNames(connection, remaining());
    const facts = connection.diagnostics();
    const result: Omit<ProbeResult, 'name' | 'durationMs'> = {
      status: 'connected',
      serverName: connection.serverInfo?.name,
      serverVersion: connection.serverInfo?.version,
      protocolVersion: connection.protocolVersion,
      toolCount: toolNames.length,
      toolNames,
      ...(lists ? { lists, listErrors } : {}),
    };
    // It changed its list as it started, in answer to those capabilities (server-everything
    // registers tools in oninitialized): count what a client that declares none would see too.
    if (adapted) {
      const bare = await countWithoutCapabilities(server.name, expanded, connectOptions, remaining);
      if (bare !== undefined && bare !== toolNames.length) result.toolCountWithoutCapabilities = bare;
    }
    const nonJson = firstNonJsonOutput(facts);
    if (nonJson !== undefined) {
      // It works through Patchbay, which skips such lines; hosts that do not will fail.
      result.kind = 'non-json-stdout';
      result.details = [`prints non-JSON on stdout: "${nonJson.slice(0, 200)}" (skipped here; hosts show "is not valid JSON")`];
      result.hint = 'stdout is reserved for JSON-RPC: the server must log to stderr.';
    }
    return done(result);
  } catch (error) {
    const exit = error instanceof UpstreamConnectError ? error.exit : (connection?.diagnostics() ?? { stderrTail: [], nonJsonLines: [], error: toError(error) });
    if (!(error instanceof UpstreamConnectError) && connection) {
      // Connected, then tools/list failed: the process may have died under it.
      await connection.close().catch(() => undefined);
      Object.assign(exit, connection.diagnostics(), { error: toError(error), timedOut: /timed? ?out/i.test(toError(error).message) || undefined });
    }
    const diagnosis = diagnoseExit(expanded, exit, { cwd, timeoutMs: options.timeoutMs, name: server.name });
    return done({ status: diagnosis.kind === 'needs-auth' ? 'needs-auth' : 'failed', ...fromDiagnosis(diagnosis) });
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

function fromDiagnosis(d: Diagnosis): Pick<ProbeResult, 'reason' | 'details' | 'hint' | 'kind'> {
  return { kind: d.kind, reason: d.reason, details: d.details, hint: d.hint };
}

async function listToolNames(connection: UpstreamConnection, timeoutMs: number): Promise<string[]> {
  if (!('tools' in connection.capabilities)) return [];
  const names: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page++) {
    const result = (await connection.request('tools/list', cursor ? { cursor } : {}, { timeoutMs })) as {
      tools?: Array<{ name?: unknown }>;
      nextCursor?: string;
    };
    for (const tool of result.tools ?? []) names.push(String(tool.name));
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return names;
}

/** A second, bare connection: how many tools a client without roots, sampling or elicitation gets. */
async function countWithoutCapabilities(name: string, entry: ServerEntry, options: ConnectOptions, remaining: () => number): Promise<number | undefined> {
  let bare: UpstreamConnection | undefined;
  try {
    bare = await connectUpstream(name, entry, { ...options, timeoutMs: remaining() });
    return (await listToolNames(bare, remaining())).length;
  } catch {
    return undefined; // the first connection's answer stands
  } finally {
    await bare?.close().catch(() => undefined);
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The protocol era a server speaks, as `patchbay doctor` and `patchbay mcp list` name it. */
export function eraOf(version: string): string {
  return version.startsWith('2026') ? `${version} (stateless)` : `${version} (initialize)`;
}
