/**
 * What `patchbay proxy`, `patchbay env` and `patchbay claude` do. The CLI files in
 * src/cli/commands only declare flags and import this lazily.
 */
import { spawn } from 'node:child_process';
import { loadOrCreateToken } from '../../auth/token.js';
import { PatchbayError } from '../../errors.js';
import { loadProxySettings } from '../config/load.js';
import type { ProxySettings } from '../config/types.js';
import { claudeEnvironment } from './client-env.js';
import { describeListener, listenerDir, localUrl, recordListener } from './listen-record.js';
import { startProxy, type RunningProxy } from './listen.js';
import { locateProxy } from './locate.js';

export interface ProxyCommandOptions {
  port?: string;
  host?: string;
}

function applyFlags(settings: ProxySettings, options: ProxyCommandOptions): void {
  if (options.port !== undefined) {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PatchbayError('USAGE', `--port ${options.port} is not a TCP port`, { hint: 'Use a number between 1 and 65535 (0 picks a free one).' });
    settings.port = port;
  }
  if (options.host !== undefined) settings.host = options.host;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function describeRoutes(settings: ProxySettings): string[] {
  const lines: string[] = [];
  const { router } = settings;
  for (const [name, ref] of [['default', router.default], ['background', router.background], ['think', router.think], ['longContext', router.longContext], ['webSearch', router.webSearch]] as const) {
    if (ref) lines.push(`  ${name.padEnd(11)} → ${ref.model === undefined ? `${ref.provider} (model as requested)` : ref.text}`);
  }
  return lines;
}

/** `patchbay proxy`: serve until SIGINT/SIGTERM. */
export async function runProxyCommand(options: ProxyCommandOptions): Promise<void> {
  const settings = await loadProxySettings();
  applyFlags(settings, options);
  const token = await loadOrCreateToken();
  const { createFileClientStore } = await import('../../auth/client-store.js');
  const proxy = await startProxy({ settings, token, clients: createFileClientStore().resolver(), port: settings.port, host: settings.host });
  // So that `patchbay env` and `patchbay claude` find this port, whatever --port said.
  const record = await recordListener({ kind: 'proxy', url: localUrl(proxy.host, proxy.port) }).catch((error: Error) => {
    process.stderr.write(`patchbay: warning: could not record this port for \`patchbay env\` (${error.message})\n`);
    return undefined;
  });
  const out = process.stdout;
  out.write(`Patchbay model proxy on ${proxy.url} (settings from ${settings.source})\n`);
  for (const line of describeRoutes(settings)) out.write(`${line}\n`);
  out.write(`Point a client at it: eval "$(patchbay env)"   or run: patchbay claude\n`);
  if (!isLoopback(settings.host)) process.stderr.write(`patchbay: warning: listening on ${settings.host}, reachable from other machines; only Patchbay's key protects it\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await record?.remove();
  await proxy.close();
}

export type Shell = 'sh' | 'fish' | 'powershell';

export function formatEnv(vars: Record<string, string>, shell: Shell): string {
  const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
  return Object.entries(vars).map(([name, value]) => {
    if (shell === 'fish') return `set -gx ${name} ${quote(value)};`;
    if (shell === 'powershell') return `$env:${name} = "${value.replace(/[`"$]/g, '`$&')}"`;
    return `export ${name}=${quote(value)}`;
  }).join('\n') + '\n';
}

/** `patchbay env`: the variables that point Claude Code (and any Anthropic SDK client) at the proxy. */
export async function runEnvCommand(options: ProxyCommandOptions & { shell?: string }): Promise<void> {
  const shell = (options.shell ?? 'sh') as Shell;
  if (!['sh', 'bash', 'zsh', 'fish', 'powershell', 'pwsh'].includes(shell)) {
    throw new PatchbayError('USAGE', `--shell ${options.shell} is not supported`, { hint: 'Use sh (also bash, zsh), fish or powershell.' });
  }
  const kind: Shell = shell === 'fish' ? 'fish' : shell === 'powershell' || (shell as string) === 'pwsh' ? 'powershell' : 'sh';
  const settings = await loadProxySettings();
  applyFlags(settings, options);
  const token = await loadOrCreateToken();
  const location = await locateProxy(settings, token, { explicitPort: options.port !== undefined, probe: false });
  process.stdout.write(formatEnv({ ANTHROPIC_BASE_URL: location.url, ANTHROPIC_AUTH_TOKEN: token }, kind));
  // On stderr, so that `eval "$(patchbay env)"` evaluates the exports alone.
  if (location.listener) {
    process.stderr.write(`patchbay: the model proxy of ${describeListener(location.listener)} at ${location.url}\n`);
  } else if (!location.answers) {
    const why = options.port !== undefined ? '' : `: no \`patchbay up\` or \`patchbay proxy\` is running (none is recorded in ${listenerDir()})`;
    process.stderr.write(`patchbay: nothing is listening at ${location.url}${why}.\n`
      + '  Start one (`patchbay proxy`, or `patchbay up` in a project) and run `patchbay env` again, or use `patchbay claude`, which starts its own.\n');
  }
}

/** `patchbay claude [args…]`: Claude Code through the proxy; exits with claude's code. */
export async function runClaudeCommand(args: string[], options: ProxyCommandOptions & { claudeBin?: string }): Promise<void> {
  const settings = await loadProxySettings();
  applyFlags(settings, options);
  const token = await loadOrCreateToken();
  const location = await locateProxy(settings, token, { explicitPort: options.port !== undefined, probe: true });
  let url = location.url;
  let running: RunningProxy | undefined;
  if (!location.answers) {
    try {
      running = await startProxy({ settings, token, port: settings.port, host: settings.host });
    } catch (error) {
      if (!(error instanceof PatchbayError) || !error.message.includes('already in use')) throw error;
      running = await startProxy({ settings, token, port: 0, host: settings.host }); // something else owns the port
    }
    url = localUrl(settings.host, running.port);
  }
  const env = claudeEnvironment(process.env, settings, url, token);
  const bin = options.claudeBin ?? process.env.PATCHBAY_CLAUDE_BIN ?? 'claude';
  const ignore = (): void => undefined; // Ctrl-C belongs to claude, which shares the terminal
  process.on('SIGINT', ignore);
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(bin, args, { stdio: 'inherit', env });
      child.on('error', (error: NodeJS.ErrnoException) => {
        reject(error.code === 'ENOENT'
          ? new PatchbayError('USAGE', `"${bin}" was not found on PATH`, { hint: 'Install Claude Code (npm install -g @anthropic-ai/claude-code), or set PATCHBAY_CLAUDE_BIN to its path.' })
          : error);
      });
      child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 + (signalNumber(signal) ?? 1) : 1)));
    });
    process.exitCode = code;
  } finally {
    process.off('SIGINT', ignore);
    await running?.close();
  }
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal];
}
