import { describe, expect, it } from 'vitest';
import { checkAddress, isSpecialAddress, matchHostRule, parseHostRule } from './host-rules.js';

const rules = (...patterns: string[]) => patterns.map(parseHostRule);

describe('sandbox allow-list rules', () => {
  it('matches an exact host on the web ports only, unless a port is given', () => {
    const list = rules('api.github.com', 'example.com:8443', 'build.example.org:*');
    expect(matchHostRule(list, 'api.github.com', 443)?.pattern).toBe('api.github.com');
    expect(matchHostRule(list, 'API.GitHub.com.', 80)?.pattern).toBe('api.github.com');
    expect(matchHostRule(list, 'api.github.com', 22)).toBeUndefined();
    expect(matchHostRule(list, 'github.com', 443)).toBeUndefined();
    expect(matchHostRule(list, 'example.com', 8443)?.pattern).toBe('example.com:8443');
    expect(matchHostRule(list, 'example.com', 443)).toBeUndefined();
    expect(matchHostRule(list, 'build.example.org', 5432)?.pattern).toBe('build.example.org:*');
  });

  it('*.domain matches subdomains, not the domain itself nor a look-alike', () => {
    const list = rules('*.example.com');
    expect(matchHostRule(list, 'a.example.com', 443)).toBeDefined();
    expect(matchHostRule(list, 'a.b.example.com', 443)).toBeDefined();
    expect(matchHostRule(list, 'example.com', 443)).toBeUndefined();
    expect(matchHostRule(list, 'evilexample.com', 443)).toBeUndefined();
    expect(matchHostRule(list, 'example.com.evil.net', 443)).toBeUndefined();
  });

  it('says what is wrong with a bad pattern', () => {
    expect(() => parseHostRule('https://api.github.com/v3')).toThrow(/is a URL; give the host only \("api.github.com"\)/);
    expect(() => parseHostRule('127.0.0.1')).toThrow(/loopback address needs a port/);
    expect(() => parseHostRule('localhost')).toThrow(/loopback address needs a port/);
    expect(() => parseHostRule('::1')).toThrow(/in brackets/);
    expect(() => parseHostRule('api.*.com')).toThrow(/"\*" may only start a pattern/);
    expect(() => parseHostRule('example.com:99999')).toThrow(/port must be 1-65535/);
    expect(() => parseHostRule('exa mple.com')).toThrow(/not a host name/);
    expect(() => parseHostRule('')).toThrow(/empty/);
    expect(parseHostRule('[::1]:8080')).toMatchObject({ host: '::1', ports: 8080, byAddress: true });
  });

  it('knows the addresses that reach this machine or its cloud metadata', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '0.0.0.0', '::', '169.254.169.254', 'fe80::1', '::ffff:127.0.0.1']) expect(isSpecialAddress(a), a).toBe(true);
    for (const a of ['10.0.0.1', '192.168.1.1', '93.184.216.34', '2606:4700::1111']) expect(isSpecialAddress(a), a).toBe(false);
  });

  it('refuses a listed name that resolves to loopback, but not a rule that names the address', () => {
    const [any] = rules('*');
    const [local] = rules('localhost:3000');
    const [literal] = rules('127.0.0.1:8080');
    expect(checkAddress(any!, 'rebind.example.com', '127.0.0.1')).toMatch(/resolves to 127\.0\.0\.1, a local or link-local address/);
    expect(checkAddress(any!, 'metadata.example.com', '169.254.169.254')).toMatch(/link-local/);
    expect(checkAddress(any!, 'example.com', '93.184.216.34')).toBeUndefined();
    expect(checkAddress(local!, 'localhost', '127.0.0.1')).toBeUndefined();
    expect(checkAddress(literal!, '127.0.0.1', '127.0.0.1')).toBeUndefined();
  });
});
