/**
 * The schema of one server entry, as Claude Code validates it (claude-code-config-files.md):
 * `type` absent means stdio, `streamable-http` is read as `http`, unknown keys are kept (hosts
 * ignore them, and Patchbay's own `patchbay` key relies on that). The `patchbay` key itself is
 * strict, so a typo like `allowtools` is reported instead of silently doing nothing.
 */
import { z } from 'zod';
import { secretsPolicySchema } from '../secrets/traffic/policy.js';
import type { ServerEntry } from './types.js';
import { sandboxOptionSchema } from '../sandbox/options.js';

/** Claude Code's rule for server names. */
export const SERVER_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

export function isValidServerName(name: string): boolean {
  return SERVER_NAME_PATTERN.test(name);
}

export const NAME_RULE = 'a server name may contain only letters, digits, "-" and "_"';

const stringRecord = z.record(z.string(), z.string({ error: 'must be a string' }), {
  error: 'must be an object of string values',
});

/** `pinIgnore.patterns` are regexes applied to server text (src/policy/pins/ignore.ts): refuse broken ones here. */
function patternProblem(patterns: readonly string[] | undefined): string | undefined {
  for (const source of patterns ?? []) {
    let re: RegExp;
    try {
      re = new RegExp(source, 'gu');
    } catch (error) {
      return `pattern ${JSON.stringify(source)} is not a valid regular expression (${(error as Error).message})`;
    }
    if (re.test('')) return `pattern ${JSON.stringify(source)} matches the empty string, so it would ignore nothing useful and everything around it`;
  }
  return undefined;
}

/** The `patchbay` key of an entry, and the per-server settings of Patchbay's config.json. */
const patchbayOptionShape = {
    disabled: z.boolean({ error: 'must be true or false' }).optional(),
    allowTools: z.array(z.string(), { error: 'must be an array of tool names' }).optional(),
    denyTools: z.array(z.string(), { error: 'must be an array of tool names' }).optional(),
    prefix: z.string({ error: 'must be a string' }).optional(),
    timeoutMs: z.number({ error: 'must be a number' }).int().positive('must be a positive number of milliseconds').optional(),
    /** For tools no permission rule names (src/policy/rules/); read from config.json's `servers.<name>`. */
    defaultMode: z.enum(['allow', 'ask', 'deny'], { error: 'must be "allow", "ask" or "deny"' }).optional(),
    protocol: z.enum(['auto', '2026-07-28', '2025-11-25'], { error: 'must be "auto", "2026-07-28" or "2025-11-25"' }).optional(),
    secrets: secretsPolicySchema.optional(),
    pinning: z.enum(['trust-new', 'strict', 'off'], { error: 'must be "trust-new", "strict" or "off"' }).optional(),
    pinIgnore: z
      .strictObject(
        {
          patterns: z.array(z.string(), { error: 'must be an array of regular expressions' }).optional(),
          paths: z.array(z.string().regex(/^[^.]+(\.[^.]+)*$/, 'must be a dotted path such as "inputSchema.properties.*.default"'), { error: 'must be an array of dotted paths' }).optional(),
        },
        { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; known: patterns, paths` : 'must be an object') },
      )
      .superRefine((value, ctx) => {
        const problem = patternProblem(value.patterns);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['patterns'] });
      })
      .optional(),
    sandbox: sandboxOptionSchema.optional(),
    maxMessageMb: z.number({ error: 'must be a number' }).positive('must be a positive number of MiB').optional(),
};

export const patchbayOptions = z.strictObject(patchbayOptionShape, {
  error: (issue) =>
    issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; known: ${Object.keys(patchbayOptionShape).join(', ')}` : 'must be an object',
});

const stdioSchema = z.looseObject({
  type: z.literal('stdio').optional(),
  command: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required: the program that starts the server' : 'must be a string') })
    .min(1, 'must not be empty'),
  args: z.array(z.string({ error: 'must be a string' }), { error: 'must be an array of strings' }).optional(),
  env: stringRecord.optional(),
  patchbay: patchbayOptions.optional(),
});

/** A URL is checked with its ${VAR} references replaced, since they are expanded at connect time. */
function isUrl(value: string): boolean {
  try {
    const url = new URL(value.replace(/\$\{[^}]*\}/g, 'x'));
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const remoteSchema = z.looseObject({
  type: z.enum(['http', 'sse']),
  url: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required for a remote server' : 'must be a string') })
    .refine(isUrl, 'must be an http:// or https:// URL'),
  headers: stringRecord.optional(),
  oauth: z
    .looseObject(
      {
        clientId: z.string({ error: 'must be a string' }).optional(),
        clientSecret: z.string({ error: 'must be a string' }).optional(),
        callbackPort: z.number({ error: 'must be a port number' }).int('must be a whole number').min(1, 'must be 1-65535').max(65535, 'must be 1-65535').optional(),
        clientMetadataUrl: z.string({ error: 'must be a string' }).refine(isUrl, 'must be an https:// URL').optional(),
        allowMissingPkce: z.boolean({ error: 'must be true or false' }).optional(),
      },
      { error: 'must be an object' },
    )
    .optional(),
  // A remote server runs elsewhere: there is nothing here to confine.
  patchbay: patchbayOptions.refine((p) => p.sandbox === undefined, { message: 'applies to stdio servers only (a remote server runs elsewhere)', path: ['sandbox'] }).optional(),
});

export interface EntryIssue {
  /** JSON path inside the entry, e.g. ['args', 1]. */
  path: (string | number)[];
  message: string;
}

export type EntryValidation = { ok: true; entry: ServerEntry } | { ok: false; issues: EntryIssue[] };

export function validateEntry(raw: unknown): EntryValidation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, issues: [{ path: [], message: 'must be an object like {"command": "...", "args": [...]}' }] };
  }
  const record = raw as Record<string, unknown>;
  const type = record.type;
  if (type === undefined || type === 'stdio') {
    if (type === undefined && record.command === undefined && typeof record.url === 'string') {
      return { ok: false, issues: [{ path: ['type'], message: 'is missing: an entry with a "url" needs "type": "http" or "sse"' }] };
    }
    return toValidation(stdioSchema.safeParse(record), record);
  }
  if (type === 'http' || type === 'sse' || type === 'streamable-http') {
    const normalized = type === 'streamable-http' ? { ...record, type: 'http' } : record;
    return toValidation(remoteSchema.safeParse(normalized), normalized);
  }
  return { ok: false, issues: [{ path: ['type'], message: `is ${JSON.stringify(type)}; use "stdio", "http" or "sse"` }] };
}

function toValidation(result: z.ZodSafeParseResult<unknown>, normalized: Record<string, unknown>): EntryValidation {
  if (result.success) return { ok: true, entry: normalized as ServerEntry };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
      message: issue.message,
    })),
  };
}

/** `args[1]`, `env.FOO`, `patchbay.timeoutMs`. */
export function fieldName(path: (string | number)[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}
