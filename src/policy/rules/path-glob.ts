/**
 * Path globs on tool arguments. A server resolves the path it is given, so a rule must judge the
 * path the server will open, not the text the model wrote:
 *
 * - `~` and `~/…` are the user's home; `file://` URLs are decoded; a relative path is taken from
 *   the project root (the directory the hub starts servers in);
 * - `.`, `..` and repeated slashes are collapsed before matching, so
 *   `/home/me/projects/../.ssh/id_rsa` is judged as `/home/me/.ssh/id_rsa`;
 * - matching is by whole path segments: `*` is any run of characters within one segment, `**`
 *   any number of segments (none included), so `/a/b/**` matches `/a/b` and everything under it
 *   but never the sibling `/a/b-evil` (the prefix bug of string-prefix checks);
 * - case-insensitive on macOS and Windows, whose file systems usually are.
 *
 * Symbolic links are not resolved (that would be file system I/O on every call, and the target
 * may not exist yet); a path rule is a policy, the sandbox (src/sandbox/) is the wall.
 */
import { isAbsolute, posix, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PathContext {
  home: string;
  /** What relative paths are relative to: the project root. */
  base: string;
  caseInsensitive?: boolean;
}

export function defaultCaseInsensitive(): boolean {
  return process.platform === 'darwin' || process.platform === 'win32';
}

/** Whether a condition's pattern is a path glob (else a value glob). */
export function isPathPattern(pattern: string): boolean {
  return pattern.startsWith('/') || pattern === '~' || pattern.startsWith('~/') || pattern.startsWith('./') || pattern.startsWith('../') || pattern === '.' || pattern === '..' || /^[A-Za-z]:[\\/]/.test(pattern);
}

/** The absolute, normalised form of a path argument (undefined when it cannot be one). */
export function normalizeArgPath(value: string, context: PathContext): string | undefined {
  let text = value;
  if (text.includes('\0')) return undefined;
  if (/^file:/i.test(text)) {
    try {
      text = fileURLToPath(text);
    } catch {
      return undefined;
    }
  }
  if (text === '~') text = context.home;
  else if (text.startsWith('~/') || (sep === '\\' && text.startsWith('~\\'))) text = context.home + text.slice(1);
  const absolute = isAbsolute(text) ? resolvePath(text) : resolvePath(context.base, text);
  return toSlashes(absolute);
}

function toSlashes(path: string): string {
  return sep === '\\' ? path.replace(/\\/g, '/') : path;
}

const REGEX_SPECIAL = /[.+^${}()|[\]\\]/g;

/** Compiles a path glob once; the result tests a normalised path. */
export function compilePathGlob(pattern: string, context: PathContext): RegExp {
  // Normalise the literal part the same way as arguments; `**` and `*` survive as segment text.
  const absolute = normalizeArgPath(pattern, context) ?? pattern;
  const segments = posix.normalize(absolute).split('/');
  let source = '^';
  segments.forEach((segment, i) => {
    if (i === 0 && segment === '') return; // the root
    if (i === 0) {
      source += segmentSource(segment); // a drive letter on Windows
      return;
    }
    if (segment === '**') {
      source += i === segments.length - 1 ? '(?:/.*)?' : '(?:/[^/]+)*';
      return;
    }
    if (segment === '' && i === segments.length - 1) return; // a trailing slash
    source += `/${segmentSource(segment)}`;
  });
  if (source === '^') source += '/?';
  source += '$';
  return new RegExp(source, context.caseInsensitive ? 'i' : '');
}

function segmentSource(segment: string): string {
  return segment.replace(REGEX_SPECIAL, '\\$&').replace(/\*+/g, '[^/]*').replace(/\?/g, '[^/]');
}

/** A value glob: `*` is any run of characters (URLs, branch names, ids). */
export function compileValueGlob(pattern: string, caseInsensitive = false): RegExp {
  return new RegExp(`^${pattern.replace(REGEX_SPECIAL, '\\$&').replace(/\?/g, '\\?').replace(/\*+/g, '.*')}$`, caseInsensitive ? 'is' : 's');
}

/**
 * The same as a test function, with the common shapes (no `*`, one trailing or leading `*`)
 * as plain string comparisons: a call is decided against every condition of its tool.
 */
export function valueGlobMatcher(pattern: string): (value: string) => boolean {
  const stars = pattern.split('*').length - 1;
  if (stars === 0) return (value) => value === pattern;
  if (stars === 1 && pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1);
    return (value) => value.startsWith(prefix);
  }
  if (stars === 1 && pattern.startsWith('*')) {
    const suffix = pattern.slice(1);
    return (value) => value.endsWith(suffix);
  }
  const re = compileValueGlob(pattern);
  return (value) => re.test(value);
}
