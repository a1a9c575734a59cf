/**
 * Reading an API description: a file or an http(s) URL, JSON or YAML, validated and dereferenced
 * by @readme/openapi-parser (Swagger 2.0, OpenAPI 3.0 and 3.1). Nothing in the document is ever
 * executed. External `$ref`s (other files, other URLs) are off unless the entry turns them on:
 * a spec fetched from the web must not make this process read local files or fetch more URLs.
 * Circular `$ref`s are kept as circular object references; spec/schema.ts cuts them.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { dereference, validate, compileErrors } from '@readme/openapi-parser';
import { parse as parseYaml } from 'yaml';
import { PatchbayError } from '../../../errors.js';
import { redactUrl } from '../../../secrets/redact/index.js';

/** A spec larger than this is refused: Ajv's advice for untrusted schemas is to bound their size. */
export const MAX_SPEC_BYTES = 20 * 1024 * 1024;

export interface LoadSpecOptions {
  /** Resolve `$ref`s to other files and URLs (off by default). */
  externalRefs?: boolean;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export type ApiDocument = Record<string, unknown> & { openapi?: string; swagger?: string };

export interface LoadedSpec {
  document: ApiDocument;
  /** 'Swagger 2.0', 'OpenAPI 3.0.3', ... */
  version: string;
  /** Where it came from, safe to print. */
  source: string;
  warnings: string[];
}

export async function loadSpec(source: string, options: LoadSpecOptions = {}): Promise<LoadedSpec> {
  const isUrl = /^https?:\/\//i.test(source);
  const shown = isUrl ? redactUrl(source) : source;
  const text = isUrl ? await fetchSpecText(source, shown, options) : await readSpecFile(source);
  const raw = parseSpecText(text, shown);
  if (typeof raw.openapi !== 'string' && raw.swagger !== '2.0') {
    throw new PatchbayError('USAGE', `${shown} is not an OpenAPI or Swagger 2.0 document (no "openapi" or "swagger: 2.0" key)`);
  }
  const parserOptions = {
    resolve: { external: options.externalRefs === true, file: options.externalRefs === true && !isUrl },
    dereference: { circular: true as const },
    // A few specs in the wild break a rule a tool can live with; say so instead of refusing.
    validate: { rules: { openapi: { 'path-parameters-not-in-parameters': 'warning' as const, 'array-without-items': 'warning' as const } } },
  };
  const checked = await validate(structuredClone(raw) as never, parserOptions).catch((error: unknown) => {
    throw new PatchbayError('USAGE', `${shown}: ${errorMessage(error)}`, { hint: refHint(error) });
  });
  if (!checked.valid) {
    throw new PatchbayError('USAGE', `${shown} is not a valid API description:\n${compileErrors(checked).trim()}`, {
      hint: 'Fix the document, or point --spec at a corrected copy.',
    });
  }
  const document = (await dereference(raw as never, parserOptions).catch((error: unknown) => {
    throw new PatchbayError('USAGE', `${shown}: ${errorMessage(error)}`, { hint: refHint(error) });
  })) as unknown as ApiDocument;
  const version = typeof document.openapi === 'string' ? `OpenAPI ${document.openapi}` : 'Swagger 2.0';
  return { document, version, source: shown, warnings: checked.warnings.map((w) => w.message) };
}

async function readSpecFile(source: string): Promise<string> {
  const file = resolvePath(source);
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new PatchbayError('USAGE', `--spec ${source}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  if (!info.isFile()) throw new PatchbayError('USAGE', `--spec ${source} is not a file`);
  if (info.size > MAX_SPEC_BYTES) throw new PatchbayError('USAGE', `--spec ${source} is ${info.size} bytes; the limit is ${MAX_SPEC_BYTES}`);
  return readFile(file, 'utf8');
}

async function fetchSpecText(url: string, shown: string, options: LoadSpecOptions): Promise<string> {
  const doFetch = options.fetch ?? fetch;
  const response = await doFetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 15_000), headers: { accept: 'application/json, application/yaml, text/yaml, */*' } }).catch(
    (error: unknown) => {
      throw new PatchbayError('USAGE', `could not fetch --spec ${shown}: ${errorMessage(error)}`);
    },
  );
  if (!response.ok) throw new PatchbayError('USAGE', `could not fetch --spec ${shown}: HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_SPEC_BYTES) throw new PatchbayError('USAGE', `--spec ${shown} is ${declared} bytes; the limit is ${MAX_SPEC_BYTES}`);
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > MAX_SPEC_BYTES) throw new PatchbayError('USAGE', `--spec ${shown} is over ${MAX_SPEC_BYTES} bytes`);
  return body.toString('utf8');
}

/** JSON first (the common case, and exact), YAML 1.2 otherwise. */
export function parseSpecText(text: string, shown: string): ApiDocument {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  let value: unknown;
  try {
    value = trimmed.startsWith('{') ? JSON.parse(trimmed) : parseYaml(trimmed, { maxAliasCount: 100 });
  } catch (error) {
    throw new PatchbayError('USAGE', `${shown} is neither JSON nor YAML: ${errorMessage(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PatchbayError('USAGE', `${shown} does not hold an object`);
  return value as ApiDocument;
}

function refHint(error: unknown): string | undefined {
  const message = errorMessage(error);
  if (/resolve|external|ENOENT|Error downloading|Error opening/i.test(message)) {
    return 'External $refs (other files or URLs) are not followed unless the entry passes --external-refs; or bundle the spec into one file.';
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
