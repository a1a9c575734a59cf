/**
 * web_fetch's SSRF guard (addresses, names that resolve inward, redirects inward) and the
 * Anthropic web search tool's domain lists and result/citation/error blocks.
 */
import { describe, expect, it } from 'vitest';
import { readSearchBlocks, webSearchTool } from '../../../src/servers/search/anthropic-tool.js';
import { BlockedUrlError, guardedFetch, isNonPublicAddress, type Resolver } from '../../../src/servers/search/ssrf.js';

// Names are resolved by an injected resolver: the test never reaches the internet or real DNS.
const resolver: Resolver = async (name) => ({ 'example.org': ['93.184.216.34'], 'inward.test': ['127.0.0.1'], 'mixed.test': ['93.184.216.34', '10.0.0.7'] })[name] ?? [];

describe('web_fetch SSRF guard', () => {
  const sent: string[] = [];
  const send = async (url: URL, address: string) => {
    sent.push(`${address} ${url.href}`);
    if (url.pathname === '/jump') return new Response(null, { status: 302, headers: { location: 'http://127.0.0.1:8080/admin' } });
    if (url.pathname === '/meta') return new Response(null, { status: 301, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
    return new Response('public page', { status: 200 });
  };

  it.each([
    'http://127.0.0.1/', 'http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://192.168.0.1/',
    'http://inward.test/', 'http://mixed.test/', 'file:///etc/passwd',
  ])('refuses %s before connecting', async (url) => {
    sent.length = 0;
    await expect(guardedFetch(url, { resolve: resolver, send })).rejects.toBeInstanceOf(BlockedUrlError);
    expect(sent).toEqual([]);
  });

  it('refuses a redirect to loopback or the metadata service, after the public hop only', async () => {
    for (const path of ['/jump', '/meta']) {
      sent.length = 0;
      await expect(guardedFetch(`http://example.org${path}`, { resolve: resolver, send })).rejects.toThrow(/private, loopback or link-local/);
      expect(sent).toEqual([`93.184.216.34 http://example.org${path}`]);
    }
  });

  it('fetches a public host at the address it checked', async () => {
    sent.length = 0;
    const { response } = await guardedFetch('http://example.org/page', { resolve: resolver, send });
    expect(await response.text()).toBe('public page');
    expect(sent).toEqual(['93.184.216.34 http://example.org/page']);
  });

  it('classifies addresses', () => {
    expect(['127.0.0.1', '10.0.0.1', '172.16.5.5', '100.64.0.1', '169.254.169.254', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0'].filter((a) => !isNonPublicAddress(a))).toEqual([]);
    expect(['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111'].filter(isNonPublicAddress)).toEqual([]);
  });
});

describe('Anthropic web search tool', () => {
  it('maps include_domains to allowed_domains and exclude_domains to blocked_domains, max_uses from config', () => {
    expect(webSearchTool({ maxUses: 3, includeDomains: ['nodejs.org'] })).toEqual({ type: 'web_search_20250305', name: 'web_search', max_uses: 3, allowed_domains: ['nodejs.org'] });
    expect(webSearchTool({ maxUses: 1, excludeDomains: ['spam.example'] })).toEqual({ type: 'web_search_20250305', name: 'web_search', max_uses: 1, blocked_domains: ['spam.example'] });
    expect(() => webSearchTool({ maxUses: 1, includeDomains: ['a.org'], excludeDomains: ['b.org'] })).toThrow(/not both/);
  });

  it('keeps results, citations and error codes from the API\'s block shapes', () => {
    const out = readSearchBlocks([
      { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'node 22 release' } },
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_01', content: [
        { type: 'web_search_result', url: 'https://nodejs.org/en/blog/release/v22.0.0', title: 'Node.js 22', encrypted_content: 'EqgfCioI…', page_age: 'April 24, 2024' },
      ] },
      { type: 'text', text: 'Node.js 22 was released in April 2024.', citations: [
        { type: 'web_search_result_location', url: 'https://nodejs.org/en/blog/release/v22.0.0', title: 'Node.js 22', encrypted_index: 'Eo8B…', cited_text: 'Node.js 22 is released today' },
      ] },
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_02', content: { type: 'web_search_tool_result_error', error_code: 'max_uses_exceeded' } },
    ]);
    expect(out.results).toEqual([{ title: 'Node.js 22', url: 'https://nodejs.org/en/blog/release/v22.0.0', snippet: 'Node.js 22 is released today', published: 'April 24, 2024' }]);
    expect(out.citations).toEqual([{ url: 'https://nodejs.org/en/blog/release/v22.0.0', title: 'Node.js 22', cited_text: 'Node.js 22 is released today' }]);
    expect(out.errors).toEqual(['max_uses_exceeded']);
    expect(out.text).toContain('April 2024');
  });
});
