/**
 * The seam every user of secrets codes against: `patchbay secrets …`, `${secret:NAME}`
 * references in server entries and provider keys, the traffic guard's stored-secret rule, and
 * later OAuth tokens, API auth and catalog installs. A team mode will put another implementation
 * behind it (a server-side vault); per-process state is explicit in the object, never global.
 */

export type SecretBackend = 'file' | 'keychain';

export interface SecretMeta {
  name: string;
  /** Where the value is: the encrypted file or the OS keychain. */
  backend: SecretBackend;
  /** ISO times. */
  setAt: string;
  updatedAt: string;
}

export interface SecretStore {
  /** Where values go, for messages ("the encrypted file …/secrets.json (key …/secrets.key)"). Never a value. */
  readonly description: string;
  list(): Promise<SecretMeta[]>;
  /** The value, or undefined when no secret has that name. */
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<{ created: boolean }>;
  /** false when there was no such secret. */
  delete(name: string): Promise<boolean>;
  /** Every value by name, for the rule that finds stored secrets in traffic and logs. */
  values(): Promise<Map<string, string>>;
}

/** Names as `${secret:NAME}` writes them: a letter or `_` first, then letters, digits, `_`, `.`, `-`. */
export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
export const SECRET_NAME_RULE = 'a letter or _ first, then letters, digits, _, . or - (at most 128)';

export function isValidSecretName(name: string): boolean {
  return SECRET_NAME_PATTERN.test(name);
}
