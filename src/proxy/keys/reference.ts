/**
 * What a provider's `"apiKey"` may hold in config.json. Never a key: config files get copied,
 * pasted and committed. Instead, a reference to where the key is:
 *
 *   "${secret:NAME}" a value of Patchbay's secret store (src/secrets/), fetched when needed and cached
 *   "${NAME}"       an environment variable (the `${VAR}` syntax of .mcp.json; no `:-default`,
 *                   since a default would be a key written in the file)
 *   "file:PATH"     the trimmed contents of a private file (file.ts)
 *   "cmd:COMMAND"   the trimmed stdout of a shell command, fetched when needed and cached (command.ts)
 *
 * Each form is one entry of REFERENCE_KINDS. A kind either reads the key now (it then costs a
 * request nothing) or returns a KeySource that fetches it; an OS keychain would be one more entry
 * of the second sort (`"keychain:SERVICE"` → createCachedKeySource over the keychain lookup).
 */
import { existsSync } from 'node:fs';
import { PatchbayError } from '../../errors.js';
import { runKeyCommand } from './command.js';
import { readKeyFile } from './file.js';
import { createCachedKeySource, type KeySource } from './source.js';

export interface KeyReferenceContext {
  /** The provider's name, for messages. */
  provider: string;
  configFile: string;
  configDir: string;
  /** `proxy.providers[0].apiKey`. */
  field: string;
  env: NodeJS.ProcessEnv;
  /** For fetched keys: how long one is kept, and how long a fetch may take. */
  ttlMs: number;
  timeoutMs: number;
}

/** A key read now (undefined when its variable is unset), or a source that fetches it when a request needs it. */
export type KeyReference =
  | { kind: 'read'; key: string | undefined; origin: string; variable?: string }
  | { kind: 'fetched'; source: KeySource; origin: string };

export interface KeyReferenceKind {
  /** What the value starts with. */
  readonly prefix: string;
  /** How the form is written, for messages. */
  readonly form: string;
  resolve(rest: string, context: KeyReferenceContext): KeyReference;
}

function invalid(context: KeyReferenceContext, problem: string, hint: string): PatchbayError {
  return new PatchbayError('CONFIG_INVALID', `${context.configFile}: ${context.field}: ${problem}`, { hint });
}

const storedSecret: KeyReferenceKind = {
  prefix: '${secret:',
  form: '"${secret:NAME}"',
  resolve(rest, context) {
    const name = /^([A-Za-z_][A-Za-z0-9_.-]*)\}$/.exec(rest)?.[1];
    if (!name) throw invalid(context, 'expected "${secret:NAME}" alone, with nothing around it', 'For example "apiKey": "${secret:OPENAI_API_KEY}", after `patchbay secrets set OPENAI_API_KEY`.');
    const where = `${context.configFile}: ${context.field}`;
    const source = createCachedKeySource({
      origin: `the secret ${name}`,
      ttlMs: context.ttlMs,
      fetch: async () => {
        const { openSecretStore } = await import('../../secrets/store/open-store.js');
        const value = await (await openSecretStore({ env: context.env })).get(name);
        if (value === undefined) {
          throw new PatchbayError('SECRET_MISSING', `provider "${context.provider}": there is no secret "${name}" in the secret store (${where})`, {
            hint: `Store it: patchbay secrets set ${name}`,
          });
        }
        return value;
      },
    });
    return { kind: 'fetched', source, origin: source.origin };
  },
};

const environmentVariable: KeyReferenceKind = {
  prefix: '${',
  form: '"${NAME}"',
  resolve(rest, context) {
    const name = /^([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(rest)?.[1];
    // The text is not echoed: a `${VAR:-…}` default may be a key.
    if (!name) throw invalid(context, 'expected "${NAME}" alone, with no default and nothing around it', 'For example "apiKey": "${OPENROUTER_API_KEY}".');
    const key = context.env[name];
    return { kind: 'read', key: key === '' ? undefined : key, origin: `the variable ${name}`, variable: name };
  },
};

const keyFile: KeyReferenceKind = {
  prefix: 'file:',
  form: '"file:PATH"',
  resolve(rest, context) {
    const { key, path } = readKeyFile({ path: rest, configFile: context.configFile, configDir: context.configDir, field: context.field });
    return { kind: 'read', key, origin: `the key file ${path}` };
  },
};

const keyCommand: KeyReferenceKind = {
  prefix: 'cmd:',
  form: '"cmd:COMMAND"',
  resolve(rest, context) {
    const command = rest.trim();
    if (command === '') throw invalid(context, 'expected a command after "cmd:"', 'For example "cmd:op read op://vault/openai/key".');
    const where = `${context.configFile}: ${context.field}`;
    const { env, timeoutMs, configDir } = context;
    const label = `provider "${context.provider}": its key command (${where})`;
    const source = createCachedKeySource({
      origin: `the key command in ${where}`,
      ttlMs: context.ttlMs,
      // The config's folder, as for file: paths; a config that does not exist yet has none.
      fetch: () => runKeyCommand({ command, label, env, timeoutMs, cwd: existsSync(configDir) ? configDir : process.cwd() }),
    });
    return { kind: 'fetched', source, origin: source.origin };
  },
};

// The secret form first: it starts with "${" too.
export const REFERENCE_KINDS: readonly KeyReferenceKind[] = [storedSecret, environmentVariable, keyFile, keyCommand];

/** The forms, for messages: `"${NAME}", "file:PATH" or "cmd:COMMAND"`. */
export const REFERENCE_FORMS = REFERENCE_KINDS.map((k) => k.form).join(', ').replace(/, ([^,]*)$/, ' or $1');

/** Resolves a reference; undefined when the value is none of the forms (a literal key, to refuse). */
export function resolveKeyReference(value: string, context: KeyReferenceContext): KeyReference | undefined {
  for (const kind of REFERENCE_KINDS) {
    if (value.startsWith(kind.prefix)) return kind.resolve(value.slice(kind.prefix.length), context);
  }
  return undefined;
}
