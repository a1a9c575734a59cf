/**
 * `patchbay install FILE.mcpb|URL` and `patchbay uninstall NAME`: an MCP Bundle becomes a
 * server entry the hub runs for every host (Patchbay's own scope by default). The manifest is
 * validated with @anthropic-ai/mcpb's schema; `--sha256` (the registry's `fileSha256`) must
 * match; a signed bundle's signature must verify; the zip is unpacked by ./zip.ts into
 * `<data>/bundles/<name>/`; `user_config` values come from `--set`, defaults or a prompt, and
 * sensitive ones go to the secret store, the entry holding `${secret:…}` references; mcpb's own
 * resolver applies `${__dirname}`, `${user_config.KEY}` and the platform overrides.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { extractSignatureBlock, getMcpConfigForManifest, verifyMcpbFile, vAny, type McpbManifestAny } from '@anthropic-ai/mcpb';
import { PatchbayError } from '../../errors.js';
import { ensurePrivateDir, patchbayPaths } from '../../paths.js';
import { locateProject } from '../../config/locations.js';
import { addServers, removeServer } from '../../config/scopes.js';
import type { Scope, StdioEntry } from '../../config/types.js';
import { openSecretStore } from '../../secrets/store/open-store.js';
import { readSecretValue } from '../../cli/read-secret.js';
import { assertServerName, parseScope } from '../../cli/mcp/add-args.js';
import { readOrigins, recordOrigin } from '../snapshot.js';
import { extractZip } from './zip.js';
import { parseSets } from '../parse-sets.js';

export interface InstallOptions {
  set?: string[];
  sha256?: string;
  scope?: string;
  name?: string;
  cwd?: string;
}

export const bundlesDir = () => join(patchbayPaths().data, 'bundles');

async function readSource(source: string): Promise<{ bytes: Buffer; from: string }> {
  if (/^https?:\/\//i.test(source)) {
    let response: Response;
    try {
      response = await fetch(source, { signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      throw new PatchbayError('UPSTREAM', `cannot download ${source} (${(error as Error).message}); nothing was installed`);
    }
    if (!response.ok) throw new PatchbayError('UPSTREAM', `downloading ${source} answered HTTP ${response.status}; nothing was installed`);
    return { bytes: Buffer.from(await response.arrayBuffer()), from: source };
  }
  try {
    return { bytes: await readFile(source), from: source };
  } catch (error) {
    throw new PatchbayError('USAGE', `cannot read the bundle ${source} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export async function installBundle(source: string, options: InstallOptions): Promise<{ name: string; entry: StdioEntry; file: string; dir: string }> {
  const { bytes, from } = await readSource(source);
  if (options.sha256) {
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== options.sha256.toLowerCase()) {
      throw new PatchbayError('USAGE', `the bundle's SHA-256 is ${actual}, not ${options.sha256}; nothing was installed`, { hint: 'The download was altered or is another version. Get it again from its publisher.' });
    }
  }
  const { originalContent, pkcs7Signature } = extractSignatureBlock(bytes);
  if (pkcs7Signature) {
    const temp = join(tmpdir(), `patchbay-bundle-${randomBytes(6).toString('hex')}.mcpb`);
    await writeFile(temp, bytes, { mode: 0o600 });
    const info = await verifyMcpbFile(temp).finally(() => rm(temp, { force: true }));
    if (info.status === 'unsigned') throw new PatchbayError('USAGE', `the bundle ${from} carries a signature that does not verify; nothing was installed`, { hint: 'Do not install it; tell its publisher.' });
  }
  await ensurePrivateDir(bundlesDir());
  const staging = join(bundlesDir(), `.staging-${randomBytes(6).toString('hex')}`);
  try {
    await extractZip(originalContent, staging);
    let manifest: McpbManifestAny;
    try {
      const raw = JSON.parse(await readFile(join(staging, 'manifest.json'), 'utf8')) as unknown;
      const parsed = vAny.McpbManifestSchema.safeParse(raw);
      if (!parsed.success) throw new PatchbayError('USAGE', `the bundle's manifest.json is not valid: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(manifest)'}: ${i.message}`).join('; ')}`);
      manifest = parsed.data as McpbManifestAny;
    } catch (error) {
      if (error instanceof PatchbayError) throw error;
      throw new PatchbayError('USAGE', `the bundle has no readable manifest.json (${(error as Error).message})`);
    }
    const name = options.name ?? manifest.name.replace(/[^A-Za-z0-9_-]+/g, '-');
    assertServerName(name);
    const scope: Scope = parseScope(options.scope ?? 'patchbay');
    const dir = join(bundlesDir(), name);
    const given = parseSets(options.set);
    const userConfig: Record<string, string | number | boolean | string[]> = {};
    const secrets: Record<string, string> = {};
    for (const [key, option] of Object.entries(manifest.user_config ?? {})) {
      let value: string | undefined = Object.hasOwn(given, key) ? given[key] : undefined;
      if (value === undefined && option.default === undefined && option.required) {
        if (!process.stdin.isTTY) throw new PatchbayError('USAGE', `the bundle needs ${key}${option.title ? ` (${option.title})` : ''}; nothing was installed`, { hint: `Give it with --set ${key}=VALUE` });
        value = await readSecretValue(key);
      }
      if (value === undefined) continue;
      if (option.sensitive) {
        const secretName = `${name}.${key}`.replace(/[^A-Za-z0-9_.-]/g, '_');
        secrets[secretName] = value;
        userConfig[key] = `\${secret:${secretName}}`;
      } else userConfig[key] = option.type === 'number' ? Number(value) : option.type === 'boolean' ? value === 'true' : value;
    }
    const config = await getMcpConfigForManifest({
      manifest,
      extensionPath: dir,
      systemDirs: { HOME: homedir(), DESKTOP: join(homedir(), 'Desktop'), DOCUMENTS: join(homedir(), 'Documents'), DOWNLOADS: join(homedir(), 'Downloads') },
      userConfig,
      pathSeparator: sep,
    });
    if (!config) throw new PatchbayError('USAGE', `the bundle ${manifest.name} has required settings without values; nothing was installed`, { hint: 'Give them with --set KEY=VALUE.' });
    const entry: StdioEntry = { type: 'stdio', command: config.command, args: config.args ?? [], ...(config.env && Object.keys(config.env).length ? { env: config.env } : {}) };
    if (Object.keys(secrets).length) {
      const store = await openSecretStore();
      for (const [secretName, value] of Object.entries(secrets)) await store.set(secretName, value);
    }
    // The entry first: a name already taken stops the install before any file is replaced.
    const { file } = await addServers(scope, locateProject(options.cwd ?? process.cwd()).root, [{ name, entry }]);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    await recordOrigin(name, { registry: from, name: manifest.name, version: manifest.version, scope, installedAt: new Date().toISOString(), kind: 'bundle', tools: (manifest.tools ?? []).map((t) => t.name) });
    return { name, entry, file, dir };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export async function uninstallBundle(name: string, options: { cwd?: string } = {}): Promise<boolean> {
  const origin = (await readOrigins())[name];
  if (!origin || origin.kind !== 'bundle') throw new PatchbayError('SERVER_NOT_FOUND', `no bundle named "${name}" was installed`, { hint: 'Installed bundles are listed by patchbay mcp list.' });
  await removeServer(parseScope(origin.scope), locateProject(options.cwd ?? process.cwd()).root, name);
  await rm(join(bundlesDir(), name), { recursive: true, force: true });
  const store = await openSecretStore();
  for (const meta of await store.list()) if (meta.name.startsWith(`${name}.`)) await store.delete(meta.name);
  return true;
}
