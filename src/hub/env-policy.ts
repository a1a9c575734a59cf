/**
 * What a stdio server's process sees in its environment. Claude Code and Claude Desktop hand
 * a server the variables its entry names plus a small default set; passing the hub's whole
 * environment would give every server every secret the user exported (an OPENAI_API_KEY meant
 * for the model proxy, a GITHUB_TOKEN meant for another server). So a server gets:
 *   1. what it needs to run at all: PATH, HOME, the user and locale, temp dirs, proxy and CA
 *      settings, XDG base dirs, and on Windows the system variables Node and npx need;
 *   2. its entry's `env`, already expanded, which wins over (1).
 */

/** Variables every server may see (compared case-insensitively, as Windows does). */
const PASS_THROUGH = new Set(
  [
    'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TERM', 'COLORTERM', 'TZ', 'LANG', 'LANGUAGE',
    'TMPDIR', 'TEMP', 'TMP',
    // Corporate networks: without these a server cannot reach its API through the proxy.
    'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY',
    'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE',
    // Where config and caches live (npx, uvx and most servers read these).
    'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR',
    // Windows: without SystemRoot many programs cannot even load their DLLs.
    'SYSTEMROOT', 'SYSTEMDRIVE', 'WINDIR', 'COMSPEC', 'PATHEXT', 'APPDATA', 'LOCALAPPDATA',
    'USERPROFILE', 'HOMEDRIVE', 'HOMEPATH', 'USERNAME', 'USERDOMAIN', 'COMPUTERNAME',
    'PROGRAMDATA', 'PROGRAMFILES', 'PROGRAMFILES(X86)', 'PROGRAMW6432', 'COMMONPROGRAMFILES',
    'PROCESSOR_ARCHITECTURE', 'NUMBER_OF_PROCESSORS', 'OS', 'PUBLIC', 'ALLUSERSPROFILE',
  ],
);

/** Prefixes passed through as a family (locale categories). */
const PASS_THROUGH_PREFIXES = ['LC_'];

export interface ServerEnvOptions {
  /** The hub's own environment (default process.env). */
  hubEnv?: NodeJS.ProcessEnv;
  /** The entry's `env`, already expanded. */
  entryEnv?: Record<string, string>;
  /** Extra variable names the hub is configured to pass to every server. */
  passEnv?: readonly string[];
  /** Default process.platform. */
  platform?: NodeJS.Platform;
}

export function isPassThroughVariable(name: string, extra: readonly string[] = []): boolean {
  const upper = name.toUpperCase();
  if (PASS_THROUGH.has(upper)) return true;
  if (PASS_THROUGH_PREFIXES.some((prefix) => upper.startsWith(prefix))) return true;
  return extra.some((e) => e.toUpperCase() === upper);
}

export function buildServerEnv(options: ServerEnvOptions = {}): Record<string, string> {
  const hubEnv = options.hubEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(hubEnv)) {
    if (value !== undefined && isPassThroughVariable(name, options.passEnv)) env[name] = value;
  }
  for (const [name, value] of Object.entries(options.entryEnv ?? {})) {
    // Windows names are case-insensitive: the entry's `PATH` replaces the hub's `Path`, rather
    // than handing the child two spellings and letting it pick one.
    if ((options.platform ?? process.platform) === 'win32') {
      for (const existing of Object.keys(env)) if (existing.toUpperCase() === name.toUpperCase()) delete env[existing];
    }
    env[name] = value;
  }
  return env;
}
