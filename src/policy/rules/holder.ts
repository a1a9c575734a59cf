/**
 * The running hub's current policy: compiled once, and compiled again when one of its files
 * changes. The check is a `stat` of each file at most every `recheckMs` (default 500 ms), made
 * by the request that comes along, so an idle hub does nothing and a busy one pays a few
 * microseconds twice a second; the new policy replaces the old once it is compiled, and calls
 * meanwhile keep the old one. A reload whose files are broken keeps the last good policy and
 * logs why (a first load that fails refuses every call instead: load.ts).
 */
import { homedir } from 'node:os';
import { statSync } from 'node:fs';
import { compilePolicy, type CompiledPolicy } from './compile.js';
import { loadPolicy, type ApprovalSettings, type LoadedPolicy } from './load.js';
import { defaultCaseInsensitive } from './path-glob.js';

export interface PolicyHolderOptions {
  projectRoot: string;
  /** Configured server names (rule bodies are split against them). */
  servers: readonly string[];
  configFile?: string;
  recheckMs?: number;
  home?: string;
  log?: (line: string) => void;
}

export interface PolicyHolder {
  current(): CompiledPolicy;
  readonly approvals: ApprovalSettings;
  /** Reads and compiles the files now (after Patchbay itself changed one). */
  reload(): Promise<CompiledPolicy>;
}

function signatureOf(files: readonly string[]): string {
  let signature = '';
  for (const file of files) {
    try {
      const s = statSync(file);
      signature += `${s.mtimeMs}:${s.size}:${s.ino}|`;
    } catch {
      signature += '-|';
    }
  }
  return signature;
}

export function compileLoaded(loaded: LoadedPolicy, options: Pick<PolicyHolderOptions, 'projectRoot' | 'servers' | 'home'>): CompiledPolicy {
  return compilePolicy(loaded.input, {
    servers: options.servers,
    paths: { home: options.home ?? homedir(), base: options.projectRoot, caseInsensitive: defaultCaseInsensitive() },
  });
}

export async function createPolicyHolder(options: PolicyHolderOptions): Promise<PolicyHolder> {
  const recheckMs = options.recheckMs ?? 500;
  const log = options.log ?? (() => undefined);
  let loaded = await loadPolicy({ projectRoot: options.projectRoot, configFile: options.configFile });
  let policy = compileLoaded(loaded, options);
  let signature = signatureOf(loaded.files);
  let checkedAt = performance.now();
  let reloading: Promise<CompiledPolicy> | undefined;
  if (policy.fatal) log(`permissions are invalid, so every tool call is refused until they are fixed: ${policy.fatal}`);

  async function reload(): Promise<CompiledPolicy> {
    const before = signatureOf(loaded.files);
    const next = await loadPolicy({ projectRoot: options.projectRoot, configFile: options.configFile });
    const compiled = compileLoaded(next, options);
    signature = before;
    if (compiled.fatal && !policy.fatal) {
      log(`permissions changed but are invalid; keeping the previous rules: ${compiled.fatal}`);
      return policy;
    }
    if (compiled.version !== policy.version) log(`permissions reloaded (policy ${compiled.version}, ${compiled.rules.length} rule${compiled.rules.length === 1 ? '' : 's'})`);
    loaded = next;
    policy = compiled;
    return policy;
  }

  return {
    get approvals() {
      return loaded.approvals;
    },
    current() {
      const now = performance.now();
      if (now - checkedAt >= recheckMs && reloading === undefined) {
        checkedAt = now;
        if (signatureOf(loaded.files) !== signature) {
          reloading = reload().finally(() => (reloading = undefined));
          reloading.catch((error: unknown) => log(`permissions could not be reloaded: ${error instanceof Error ? error.message : String(error)}`));
        }
      }
      return policy;
    },
    reload: () => {
      const run = reload();
      reloading = run.finally(() => (reloading = undefined));
      reloading.catch(() => undefined);
      return run;
    },
  };
}
