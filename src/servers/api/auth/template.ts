/**
 * Header templates for APIs whose auth no security scheme describes — ConnectWise Manage wants
 * `Authorization: Basic base64(company+publicKey:privateKey)` plus a `clientId` header:
 *
 *   --auth-header 'Authorization: Basic {base64:{CW_COMPANY}+{CW_PUBLIC_KEY}:{CW_PRIVATE_KEY}}'
 *   --auth-header 'clientId: {CW_CLIENT_ID}'
 *
 * `{VAR}` is the value of environment variable VAR, `{base64:…}` the base64 of what it encloses.
 * The template names variables and never holds a secret, so it can sit in a host file's `args`
 * while the values come through `env` (`${secret:…}` references the hub resolves at start).
 */
import { PatchbayError } from '../../../errors.js';

export interface HeaderTemplate {
  name: string;
  template: string;
  /** Variables it reads. */
  variables: string[];
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function parseHeaderTemplate(flag: string): HeaderTemplate {
  const colon = flag.indexOf(':');
  const name = colon === -1 ? '' : flag.slice(0, colon).trim();
  if (!HEADER_NAME.test(name)) throw new PatchbayError('USAGE', `--auth-header "${flag.slice(0, 40)}": expected "Name: template", e.g. "clientId: {CLIENT_ID}"`);
  if (name.toLowerCase() === 'host' || name.toLowerCase() === 'content-length') throw new PatchbayError('USAGE', `--auth-header ${name}: that header cannot be set`);
  const template = flag.slice(colon + 1).trim();
  const variables = [...template.matchAll(/\{(?!base64:)([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
  renderTemplate(template, Object.fromEntries(variables.map((v) => [v, 'x'])), name); // syntax check
  return { name, template, variables };
}

/** Renders `{VAR}` and `{base64:…}` (nested); unbalanced braces are an error. */
export function renderTemplate(template: string, env: Record<string, string | undefined>, headerName: string): string {
  let i = 0;
  const parse = (closing: boolean): string => {
    let out = '';
    while (i < template.length) {
      const c = template[i]!;
      if (c === '}') {
        if (!closing) throw new PatchbayError('USAGE', `--auth-header ${headerName}: unbalanced "}" at ${i + 1}`);
        i++;
        return out;
      }
      if (c !== '{') {
        out += c;
        i++;
        continue;
      }
      i++;
      if (template.startsWith('base64:', i)) {
        i += 'base64:'.length;
        out += Buffer.from(parse(true), 'utf8').toString('base64');
        continue;
      }
      const end = template.indexOf('}', i);
      const variable = end === -1 ? '' : template.slice(i, end);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new PatchbayError('USAGE', `--auth-header ${headerName}: expected {VARIABLE} or {base64:…} at ${i}`);
      const value = env[variable];
      if (value === undefined || value === '') {
        throw new PatchbayError('USAGE', `--auth-header ${headerName}: environment variable ${variable} is not set`, {
          hint: `Give it in the entry's env, e.g. "env": {"${variable}": "\${secret:${variable.toLowerCase().replace(/_/g, '-')}}"}.`,
        });
      }
      out += value;
      i = end + 1;
    }
    if (closing) throw new PatchbayError('USAGE', `--auth-header ${headerName}: "{" without its "}"`);
    return out;
  };
  const value = parse(false);
  if (/[\r\n\0]/.test(value)) throw new PatchbayError('USAGE', `--auth-header ${headerName}: the value holds a line break`);
  return value;
}
