import { describe, expect, it } from 'vitest';
import { exposeToolUi, exposeUiUri, mapUiUris, upstreamUiUri } from './ui-resources.js';

describe('ui:// URIs per server (MCP Apps)', () => {
  it('gives each server a home and maps back only from its own', () => {
    expect(exposeUiUri('alpha', 'ui://dashboard/index.html')).toBe('ui://alpha/dashboard/index.html');
    expect(upstreamUiUri('alpha', 'ui://alpha/dashboard/index.html')).toBe('ui://dashboard/index.html');
    expect(upstreamUiUri('alpha', 'ui://beta/dashboard/index.html')).toBeUndefined();
    // Other schemes and the empty prefix keep their URIs.
    expect(exposeUiUri('alpha', 'file:///a.txt')).toBe('file:///a.txt');
    expect(exposeUiUri('', 'ui://dashboard/index.html')).toBe('ui://dashboard/index.html');
  });

  it('rewrites a tool\'s view link in both _meta shapes and leaves the rest of _meta alone', () => {
    const tool = { name: 't', _meta: { ui: { resourceUri: 'ui://v/x.html', visibility: ['model', 'app'] }, 'ui/resourceUri': 'ui://v/x.html', other: 1 } };
    expect(exposeToolUi('s', tool)).toEqual({ name: 't', _meta: { ui: { resourceUri: 'ui://s/v/x.html', visibility: ['model', 'app'] }, 'ui/resourceUri': 'ui://s/v/x.html', other: 1 } });
    const plain = { name: 'p' };
    expect(exposeToolUi('s', plain)).toBe(plain);
  });

  it('maps URIs in contents, content blocks, embedded resources and prompt messages, and copies nothing else', () => {
    const map = (u: string) => exposeUiUri('s', u);
    const result = {
      contents: [{ uri: 'ui://v/x.html', mimeType: 'text/html;profile=mcp-app', text: '<p>', _meta: { ui: { csp: { connectDomains: ['https://a'] } } } }],
      content: [{ type: 'resource_link', uri: 'ui://v/x.html' }, { type: 'resource', resource: { uri: 'ui://v/y.html', text: '' } }, { type: 'text', text: 'ui://v/not-a-uri-field' }],
    };
    const mapped = mapUiUris(result, map) as typeof result;
    expect(mapped.contents[0]).toEqual({ ...result.contents[0], uri: 'ui://s/v/x.html' });
    expect(mapped.content[0]).toEqual({ type: 'resource_link', uri: 'ui://s/v/x.html' });
    expect(mapped.content[1]).toEqual({ type: 'resource', resource: { uri: 'ui://s/v/y.html', text: '' } });
    expect(mapped.content[2]).toBe(result.content[2]);
    const untouched = { content: [{ type: 'text', text: 'hi' }] };
    expect(mapUiUris(untouched, map)).toBe(untouched);
  });
});
