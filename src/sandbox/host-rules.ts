/**
 * The allow list of a sandbox's network: which host[:port] a sandboxed server may reach through
 * the egress proxy. Deny by default: anything not listed is refused, and so is any address that
 * reaches this machine or its cloud metadata service (loopback, link-local, unspecified) unless
 * a rule names it by address — an allowed name that resolves to 127.0.0.1 must not open the
 * Patchbay gateway or a local database to a server.
 *
 *   api.github.com         that host, ports 80 and 443
 *   *.example.com          any subdomain of example.com (not example.com itself), 80 and 443
 *   *                      any host, 80 and 443 (still no loopback or link-local addresses)
 *   example.com:8443       that port only;  example.com:*  any port
 *   127.0.0.1:8080         a loopback address (also [::1]:8080, localhost:3000): always with a port
 */
import { isIP } from 'node:net';

export interface HostRule {
  /** As written in the entry, for messages. */
  pattern: string;
  /** Lower case, no brackets, no trailing dot; '' for `*`. */
  host: string;
  match: 'exact' | 'subdomains' | 'any';
  /** 'web' is 80 and 443. */
  ports: 'web' | 'any' | number;
  /** An IP literal or `localhost`: may reach loopback and link-local addresses. */
  byAddress: boolean;
}

export class HostRuleError extends Error {}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function parseHostRule(pattern: string): HostRule {
  const raw = pattern.trim();
  if (raw === '') throw new HostRuleError('is empty; give a host name like "api.github.com"');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw.includes('/')) {
    const host = raw.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0];
    throw new HostRuleError(`"${raw}" is a URL; give the host only ("${host}")`);
  }
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(raw);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
    if (isIP(host) !== 6) throw new HostRuleError(`"${raw}": [${host}] is not an IPv6 address`);
  } else if (isIP(raw) === 6) {
    throw new HostRuleError(`"${raw}": write an IPv6 address in brackets with a port, like "[::1]:8080"`);
  } else {
    const colon = raw.lastIndexOf(':');
    host = colon === -1 ? raw : raw.slice(0, colon);
    portText = colon === -1 ? undefined : raw.slice(colon + 1);
  }
  host = host.toLowerCase().replace(/\.$/, '');
  const ports = parsePorts(raw, portText);
  const byAddress = isIP(host) !== 0 || host === 'localhost';
  if (byAddress && isLocalHostName(host) && ports === 'web') {
    throw new HostRuleError(`"${raw}": a loopback address needs a port ("${raw}:8080"), so one rule cannot open every local service`);
  }
  if (host === '*') return { pattern: raw, host: '', match: 'any', ports, byAddress: false };
  if (host.startsWith('*.')) {
    const base = host.slice(2);
    checkName(raw, base);
    return { pattern: raw, host: base, match: 'subdomains', ports, byAddress: false };
  }
  if (host.includes('*')) throw new HostRuleError(`"${raw}": "*" may only start a pattern ("*.example.com") or stand alone`);
  if (!byAddress) checkName(raw, host);
  return { pattern: raw, host, match: 'exact', ports, byAddress };
}

function parsePorts(raw: string, text: string | undefined): HostRule['ports'] {
  if (text === undefined) return 'web';
  if (text === '*') return 'any';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new HostRuleError(`"${raw}": the port must be 1-65535 or "*"`);
  return port;
}

function checkName(raw: string, name: string): void {
  const labels = name.split('.');
  if (labels.length === 0 || !labels.every((l) => LABEL.test(l))) {
    throw new HostRuleError(`"${raw}" is not a host name (letters, digits, "-" and dots)`);
  }
}

function isLocalHostName(host: string): boolean {
  return host === 'localhost' || isSpecialAddress(host);
}

/** Normalises what a client asked for: lower case, no brackets, no trailing dot. */
export function normalizeHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.$/, '');
}

function portAllowed(rule: HostRule, port: number): boolean {
  if (rule.ports === 'any') return true;
  if (rule.ports === 'web') return port === 80 || port === 443;
  return rule.ports === port;
}

function hostMatches(rule: HostRule, host: string): boolean {
  if (rule.match === 'any') return true;
  if (rule.match === 'subdomains') return host.endsWith(`.${rule.host}`);
  return host === rule.host;
}

/** The first rule that allows host:port, if any (before DNS: see checkAddress for after). */
export function matchHostRule(rules: readonly HostRule[], host: string, port: number): HostRule | undefined {
  const name = normalizeHost(host);
  return rules.find((rule) => hostMatches(rule, name) && portAllowed(rule, port));
}

/**
 * Loopback, link-local (169.254.0.0/16 holds cloud metadata services, fe80::/10) and the
 * unspecified address: they reach this machine or its provider, not the internet.
 */
export function isSpecialAddress(address: string): boolean {
  const ip = address.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '');
  if (isIP(ip) === 4) return /^(127\.|169\.254\.|0\.)/.test(ip);
  if (isIP(ip) === 6) return ip === '::1' || ip === '::' || /^fe[89ab][0-9a-f]:/.test(ip);
  return false;
}

/** Why a resolved address is refused for the rule that matched its name, or undefined if fine. */
export function checkAddress(rule: HostRule, host: string, address: string): string | undefined {
  if (!isSpecialAddress(address) || rule.byAddress) return undefined;
  return `${normalizeHost(host)} resolves to ${address}, a local or link-local address; those are reached only when the allow list names them by address (e.g. "${address.includes(':') ? `[${address}]` : address}:PORT")`;
}

export function describeRules(rules: readonly HostRule[]): string {
  return rules.length === 0 ? 'none' : rules.map((r) => r.pattern).join(', ');
}
