/**
 * Credentials per security scheme, from the environment only (a built-in server never reads a
 * config file for secrets; the entry's `env` carries `${secret:NAME}` references the hub
 * resolves at start). `--auth-env SCHEME=VAR` binds a scheme of the spec to variables:
 *
 *   apiKey (header, query, cookie)   SCHEME=VAR              the key
 *   http bearer (or any http scheme) SCHEME=VAR              the token
 *   http basic                       SCHEME=USER_VAR:PASS_VAR, or SCHEME=VAR holding user:password
 *   oauth2 with clientCredentials    SCHEME=ID_VAR:SECRET_VAR (tokens fetched and cached)
 *   oauth2 / openIdConnect otherwise SCHEME=VAR              a ready access token, sent as Bearer
 *
 * For each call the first alternative of the operation's `security` whose schemes are all bound
 * is applied (OpenAPI 3.0.3 §4.7.30: any one alternative satisfies it). `--auth-header` templates
 * are added to every request after that.
 */
import { PatchbayError } from '../../../errors.js';
import type { OperationModel } from '../spec/operations.js';
import type { OutgoingRequest } from '../request/build.js';
import { createClientCredentialsSource, type TokenSource } from './oauth2.js';
import { renderTemplate, type HeaderTemplate } from './template.js';

export interface SecurityScheme {
  type: 'apiKey' | 'http' | 'oauth2' | 'openIdConnect' | 'basic' | string;
  name?: string;
  in?: 'header' | 'query' | 'cookie';
  scheme?: string;
  /** OpenAPI 3 flows, or Swagger 2.0 `flow` + `tokenUrl`. */
  flows?: { clientCredentials?: { tokenUrl?: string } };
  flow?: string;
  tokenUrl?: string;
}

export interface AuthOptions {
  schemes: Record<string, SecurityScheme>;
  /** scheme name → variable names, from --auth-env. */
  bindings: Record<string, string[]>;
  /** scheme name → token URL, from --token-url. */
  tokenUrls: Record<string, string>;
  headerTemplates: HeaderTemplate[];
  env: Record<string, string | undefined>;
  baseUrl: URL;
  fetch?: typeof fetch;
}

export interface Authenticator {
  /** Parameter names auth fills (lower-case), hidden from the tools' arguments. */
  hidden: { header: Set<string>; query: Set<string>; cookie: Set<string> };
  /** Adds credentials; says which scheme was used, or which the operation wanted and lacked. */
  apply(operation: OperationModel, request: OutgoingRequest): Promise<{ used?: string; missing?: string[] }>;
  /** A 401 came back: forget cached tokens. */
  rejected(): void;
  /** Every literal secret this process holds, for redaction. */
  secrets(): string[];
}

export function parseAuthEnv(flags: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const flag of flags) {
    const m = /^([^=]+)=([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z_][A-Za-z0-9_]*))?$/.exec(flag);
    if (!m) throw new PatchbayError('USAGE', `--auth-env "${flag}": expected SCHEME=VAR or SCHEME=VAR1:VAR2 (variable names, not values)`);
    out[m[1]!] = m[3] ? [m[2]!, m[3]] : [m[2]!];
  }
  return out;
}

export function parseTokenUrls(flags: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const url = flag.slice(eq + 1);
    if (eq <= 0 || !/^https?:\/\//.test(url)) throw new PatchbayError('USAGE', `--token-url "${flag}": expected SCHEME=https://…`);
    out[flag.slice(0, eq)] = url;
  }
  return out;
}

export function createAuthenticator(options: AuthOptions): Authenticator {
  const { schemes, bindings, env } = options;
  for (const name of Object.keys(bindings)) {
    if (!schemes[name]) {
      throw new PatchbayError('USAGE', `--auth-env ${name}: the spec has no security scheme "${name}"`, {
        hint: Object.keys(schemes).length > 0 ? `Its schemes: ${Object.keys(schemes).join(', ')}.` : 'The spec declares no security schemes; use --auth-header.',
      });
    }
  }
  const value = (variable: string): string | undefined => (env[variable] === '' ? undefined : env[variable]);
  const hidden = { header: new Set<string>(), query: new Set<string>(), cookie: new Set<string>() };
  for (const [name, scheme] of Object.entries(schemes)) {
    if (scheme.type === 'apiKey' && scheme.name && scheme.in && bindings[name]) hidden[scheme.in].add(scheme.name.toLowerCase());
  }
  const tokenSources = new Map<string, TokenSource>();
  const derived = new Set<string>();

  function tokenSource(name: string, scheme: SecurityScheme, vars: string[]): TokenSource {
    let source = tokenSources.get(name);
    if (source) return source;
    const specUrl = scheme.flows?.clientCredentials?.tokenUrl ?? (scheme.flow === 'application' ? scheme.tokenUrl : undefined);
    const given = options.tokenUrls[name];
    let tokenUrl: URL;
    if (given) tokenUrl = new URL(given);
    else if (specUrl && new URL(specUrl, options.baseUrl).origin === options.baseUrl.origin) tokenUrl = new URL(specUrl, options.baseUrl);
    else {
      throw new PatchbayError('USAGE', `scheme ${name}: the spec's token URL ${specUrl ? new URL(specUrl, options.baseUrl).origin : '(none)'} is not on ${options.baseUrl.origin}`, {
        hint: `Pass --token-url ${name}=https://… in the entry if that is where tokens come from; the client secret goes nowhere else.`,
      });
    }
    source = createClientCredentialsSource({ clientId: value(vars[0]!) ?? '', clientSecret: value(vars[1]!) ?? '', tokenUrl, scopes: [] }, { fetch: options.fetch });
    tokenSources.set(name, source);
    return source;
  }

  const bound = (name: string): boolean => {
    const vars = bindings[name];
    return vars !== undefined && vars.every((v) => value(v) !== undefined);
  };

  async function applyScheme(name: string, scopes: string[], request: OutgoingRequest): Promise<void> {
    const scheme = schemes[name]!;
    const vars = bindings[name]!;
    const first = value(vars[0]!)!;
    if (scheme.type === 'apiKey') {
      if (scheme.in === 'header') request.headers[scheme.name!] = first;
      else if (scheme.in === 'cookie') request.cookies.push(`${scheme.name}=${encodeURIComponent(first)}`);
      // Appended as text: URLSearchParams would re-encode the rest of the query (`|`, `%20`, `[`).
      else request.url.search = `${request.url.search ? `${request.url.search}&` : '?'}${encodeURIComponent(scheme.name!)}=${encodeURIComponent(first)}`;
      return;
    }
    const httpScheme = scheme.type === 'basic' ? 'basic' : scheme.type === 'http' ? (scheme.scheme ?? 'bearer').toLowerCase() : 'bearer';
    if (httpScheme === 'basic') {
      const pair = vars.length === 2 ? `${first}:${value(vars[1]!)}` : first;
      const encoded = Buffer.from(pair, 'utf8').toString('base64');
      derived.add(encoded);
      request.headers.authorization = `Basic ${encoded}`;
      return;
    }
    if (scheme.type === 'oauth2' && vars.length === 2) {
      request.headers.authorization = `Bearer ${await tokenSource(name, scheme, vars).token(scopes)}`;
      return;
    }
    const label = scheme.type === 'http' && httpScheme !== 'bearer' ? scheme.scheme! : 'Bearer';
    request.headers.authorization = `${label} ${first}`;
  }

  return {
    hidden,
    async apply(operation, request) {
      let used: string | undefined;
      let missing: string[] | undefined;
      const alternatives = operation.security;
      for (const alternative of alternatives) {
        const names = Object.keys(alternative);
        if (!names.every(bound)) continue;
        for (const name of names) await applyScheme(name, alternative[name] ?? [], request);
        used = names.length > 0 ? names.join('+') : 'none';
        break;
      }
      if (used === undefined && alternatives.length > 0) missing = [...new Set(alternatives.flatMap((a) => Object.keys(a)))];
      for (const template of options.headerTemplates) {
        const rendered = renderTemplate(template.template, env, template.name);
        derived.add(rendered.replace(/^(Basic|Bearer|Token)\s+/i, ''));
        request.headers[template.name] = rendered;
      }
      if (missing && options.headerTemplates.length > 0) missing = undefined;
      return { ...(used ? { used } : {}), ...(missing ? { missing } : {}) };
    },
    rejected() {
      for (const source of tokenSources.values()) source.invalidate();
    },
    secrets() {
      const out = new Set<string>(derived);
      for (const vars of Object.values(bindings)) for (const v of vars) if (value(v)) out.add(value(v)!);
      for (const t of options.headerTemplates) for (const v of t.variables) if (value(v)) out.add(value(v)!);
      for (const source of tokenSources.values()) for (const token of source.issued()) out.add(token);
      return [...out];
    },
  };
}

/** Security schemes of a spec: components.securitySchemes (3.x) or securityDefinitions (2.0). */
export function schemesOf(document: Record<string, unknown>): Record<string, SecurityScheme> {
  const components = document.components as Record<string, unknown> | undefined;
  const schemes = (components?.securitySchemes ?? document.securityDefinitions ?? {}) as Record<string, SecurityScheme>;
  return typeof schemes === 'object' && schemes !== null ? schemes : {};
}
