/**
 * Errors that reach a user. Each carries a stable `code` (for scripts and tests), says what
 * happened and where in `message`, and what to do in `hint`. The CLI prints message and hint,
 * never a stack trace; anything that is not a PatchbayError is a bug and is reported as one.
 */
export type PatchbayErrorCode =
  | 'CONFIG_SYNTAX' // a config file is not valid JSON
  | 'CONFIG_INVALID' // valid JSON, but an entry does not match the schema
  | 'CONFIG_LOCKED' // another process held the file lock for too long
  | 'CONFIG_READONLY' // the file to change is read-only; it is never replaced
  | 'CONFIG_UNWRITABLE' // the file system refused the write (permissions, a file where a folder should be, ...)
  | 'SERVER_NOT_FOUND'
  | 'SERVER_EXISTS'
  | 'SERVER_AMBIGUOUS' // a name in several scopes where the command needs exactly one
  | 'USAGE' // bad command-line arguments
  | 'ENV_MISSING' // ${VAR} with no value and no default
  | 'UPSTREAM' // an MCP server or a model provider failed
  | 'KEY_UNAVAILABLE' // a provider key reference (cmd:) could not be resolved when a request needed it
  | 'SECRET_STORE' // the secret store cannot be read, written or reached (file, keychain)
  | 'SECRET_KEY' // the secret store's key is missing, malformed or not the store's
  | 'SECRET_MISSING' // ${secret:NAME} names a secret the store does not hold
  | 'REFERENCE_REFUSED' // a reference a file may not use (cmd: in a project file, secrets before approval)
  | 'SANDBOX_UNAVAILABLE' // a server asks for a sandbox and none can run here: it is not started
  | 'SANDBOX_INVALID' // its sandbox settings cannot be applied (a missing or protected path)
  | 'OAUTH' // an OAuth login or refresh failed (discovery, registration, the callback, the token endpoint)
  | 'OAUTH_LOGIN_REQUIRED' // a remote server needs `patchbay mcp login NAME`
  | 'NOT_IMPLEMENTED';

export interface PatchbayErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Process exit code when this error ends a CLI command. */
  exitCode?: number;
}

export class PatchbayError extends Error {
  readonly code: PatchbayErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(code: PatchbayErrorCode, message: string, options: PatchbayErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'PatchbayError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

export function isPatchbayError(error: unknown): error is PatchbayError {
  return error instanceof PatchbayError;
}
