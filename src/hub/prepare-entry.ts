/**
 * Turns a configured entry into what one connection attempt needs: `${VAR}` references
 * expanded against the hub's environment (never written back), and for stdio the process
 * environment built by the env policy. A reference with no value stops the start with an
 * error naming the variable and the file, because restarting cannot make it appear.
 */
import { PatchbayError } from '../errors.js';
import { expandEntry } from '../config/registry.js';
import type { ResolvedReferences } from '../config/expand.js';
import { isStdioEntry, type ScopedServer, type ServerEntry } from '../config/types.js';
import { buildServerEnv } from './env-policy.js';
import { diagnoseMissingEnv } from './upstream/diagnose.js';

export interface PreparedEntry {
  entry: ServerEntry;
  /** stdio only: the complete environment of the child process. */
  env: Record<string, string> | undefined;
}

export function prepareEntry(
  server: ScopedServer,
  options: { hubEnv: NodeJS.ProcessEnv; passEnv?: readonly string[]; references?: ResolvedReferences },
): PreparedEntry {
  // `${secret:…}` and `${cmd:…}` come resolved (src/secrets/references.ts): they need I/O.
  const { entry, missing } = expandEntry(server.entry, options.hubEnv, options.references);
  if (missing.length > 0) {
    // Worded as `doctor` words it (diagnose.ts), with where: `up` has one line for it.
    const diagnosis = diagnoseMissingEnv(missing);
    throw new PatchbayError('ENV_MISSING', `${diagnosis.reason} (server "${server.name}" in ${server.file})`, { hint: diagnosis.hint });
  }
  if (!isStdioEntry(entry)) return { entry, env: undefined };
  return { entry, env: buildServerEnv({ hubEnv: options.hubEnv, entryEnv: entry.env, passEnv: options.passEnv }) };
}
