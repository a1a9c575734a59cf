import { describe, expect, it } from 'vitest';
import { namespacedName } from './names.js';
import { buildCatalog, emptyLists } from './catalog.js';

describe('namespaced names', () => {
  it('joins prefix and name with __, or leaves the name alone for an empty prefix', () => {
    expect(namespacedName('github', 'create_issue')).toBe('github__create_issue');
    expect(namespacedName('', 'create_issue')).toBe('create_issue');
  });

  it('shortens long or odd names to at most 64 safe characters, distinct for names sharing a head', () => {
    const a = namespacedName('server', `${'x'.repeat(70)}_one`);
    const b = namespacedName('server', `${'x'.repeat(70)}_two`);
    expect(a.length).toBe(64);
    expect(b.length).toBe(64);
    expect(a).not.toBe(b);
    expect(a.startsWith('server__xxx')).toBe(true);
    expect(namespacedName('my server', 'do/it')).toMatch(/^my_server__do_it_[0-9a-f]{8}$/);
    expect(namespacedName('server', `${'x'.repeat(70)}_one`)).toBe(a);
  });
});

describe('catalog', () => {
  it('withholds a resource URI two servers both list and reports it on both', () => {
    const lists = (uri: string) => ({ ...emptyLists(), resources: [{ name: 'r', uri }] });
    const catalog = buildCatalog([
      { server: 'a', options: {}, lists: lists('file:///shared') },
      { server: 'b', options: {}, lists: lists('file:///shared') },
      { server: 'c', options: {}, lists: lists('file:///mine') },
    ]);
    expect(catalog.resources.map((r) => r.uri)).toEqual(['file:///mine']);
    expect(catalog.serverForUri('file:///shared')).toBeUndefined();
    expect(catalog.problems.get('a')?.[0]).toContain('Resource "file:///shared" is offered by "a" (as "file:///shared") and "b"');
    expect(catalog.problems.has('c')).toBe(false);
  });

  it('routes a URI by template when no listed resource matches', () => {
    const catalog = buildCatalog([
      { server: 'gh', options: {}, lists: { ...emptyLists(), templates: [{ name: 'issue', uriTemplate: 'gh://{owner}/{repo}/issues/{n}' }] } },
    ]);
    expect(catalog.serverForUri('gh://a/b/issues/3')).toBe('gh');
    expect(catalog.serverForUri('gl://a/b/issues/3')).toBeUndefined();
  });
});
