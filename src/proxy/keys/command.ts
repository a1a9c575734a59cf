/**
 * `"apiKey": "cmd:COMMAND"`: the key is what a shell command prints (`op read op://vault/openai/key`,
 * `gcloud auth print-access-token`), as Claude Code's `apiKeyHelper` does. The command runs
 * without blocking the event loop, under a timeout; its stdout is the key and is never shown.
 * When it fails, the message names the provider and the config field and quotes only the last
 * line of its stderr, with anything that looks like a key masked.
 */
import { spawn } from 'node:child_process';
import { PatchbayError } from '../../errors.js';
import { killProcessGroup } from '../../process-group.js';
import { REDACTED, looksLikeSecretValue, redactKnownSecrets, redactUrl } from '../../secrets/redact/index.js';

export const DEFAULT_KEY_COMMAND_TIMEOUT_MS = 10_000;

/** Output beyond this is not a key; the command is stopped rather than buffered without end. */
const MAX_STDOUT = 64 * 1024;
const MAX_STDERR = 8 * 1024;
const MAX_SHOWN = 300;

export interface KeyCommandOptions {
  command: string;
  /** Names the command in messages: `provider "openai": its key command (config.json: proxy.providers[0].apiKey)`. */
  label: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

export class KeyCommandError extends PatchbayError {
  constructor(message: string, hint: string) {
    super('KEY_UNAVAILABLE', message, { hint });
    this.name = 'KeyCommandError';
  }
}

/** Runs the command through the shell and resolves with its trimmed stdout. */
export function runKeyCommand(options: KeyCommandOptions): Promise<string> {
  const { label, timeoutMs } = options;
  // Its own process group on POSIX, so a timeout stops the whole pipeline, not just the shell.
  const group = process.platform !== 'win32';
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, {
      shell: true,
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: group,
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    let stdoutSize = 0;
    let stderr = '';
    let settled = false;
    const kill = (): void => killProcessGroup(child);
    const fail = (message: string, hint: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new KeyCommandError(message, hint));
    };
    const timer = setTimeout(() => {
      kill();
      fail(`${label} did not finish within ${timeoutMs} ms${lastLine(stderr, stdout)}`, 'Run the command yourself to see whether it waits for input (a login, a prompt), or raise "apiKeyTimeoutMs".');
    }, timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutSize += chunk.length;
      if (stdoutSize > MAX_STDOUT) {
        kill();
        fail(`${label} printed more than ${MAX_STDOUT / 1024} KiB, which is not a key`, 'The command must print only the key.');
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-MAX_STDERR);
    });
    child.on('error', (error) => {
      fail(`${label} could not be started (${error.message})`, 'Check the command in the config.');
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      if (code !== 0) {
        const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
        fail(`${label} ${how}${lastLine(stderr, stdout)}`, 'Run the command yourself to see what it needs (a login, a PATH entry, a vault unlocked).');
        return;
      }
      const key = Buffer.concat(stdout).toString('utf8').trim();
      if (key === '') {
        fail(`${label} printed nothing${lastLine(stderr, stdout)}`, 'The command must print the key on stdout.');
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve(key);
    });
  });
}

/** `: <the last stderr line>`, masked, or nothing. Whatever went to stdout (maybe a key) is masked too. */
function lastLine(stderr: string, stdout: Buffer[]): string {
  const line = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '').at(-1);
  if (!line) return '';
  const printed = Buffer.concat(stdout).toString('utf8').split(/\s+/).filter((s) => s.length >= 4);
  const masked = maskKeyLike(line, printed);
  return `: ${masked.length > MAX_SHOWN ? `${masked.slice(0, MAX_SHOWN)}…` : masked}`;
}

/**
 * Masks what may be a key in free text: the given secret values, credentials in URLs, words with
 * a well-known key prefix (sk-, AIza, ghp_…, see src/config/redact.ts) and long random-looking words.
 */
export function maskKeyLike(text: string, known: Iterable<string> = []): string {
  return redactKnownSecrets(text, known).replace(/[^\s"'`,;()<>[\]{}]+/g, (word) => {
    const value = word.includes('=') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(word) ? word.slice(word.lastIndexOf('=') + 1) : word;
    if (looksLikeSecretValue(value) || looksRandom(value)) return word.slice(0, word.length - value.length) + REDACTED;
    return redactUrl(word);
  });
}

/** 24+ characters of a key alphabet mixing letters and digits: a token, not a word or a path. */
function looksRandom(word: string): boolean {
  return word.length >= 24 && /^[A-Za-z0-9_\-.+/=]+$/.test(word) && /[0-9]/.test(word) && /[A-Za-z]/.test(word) && !word.includes('/');
}
