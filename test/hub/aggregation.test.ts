import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { everything, fakeClient, rich, testHub, textOf } from './helpers.js';
import { HubRpcError } from '../../src/hub/index.js';

type TestHub = ReturnType<typeof testHub>;
let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

describe('hub aggregation with two real servers', () => {
  it('serves the SDK fixture and server-everything under <server>__<name> and routes calls', async () => {
    hub = testHub([rich('alpha'), everything('every')]);
    await hub.start();
    const client = fakeClient('s1');
    expect(hub.status().map((s) => [s.name, s.state])).toEqual([
      ['alpha', 'ready'],
      ['every', 'ready'],
    ]);

    const { tools } = (await hub.request('tools/list', {}, client)) as { tools: { name: string }[] };
    const names = tools.map((t) => t.name);
    expect(names).toContain('alpha__echo');
    expect(names).toContain('every__echo');
    expect(names.every((n) => n.length <= 64)).toBe(true);
    expect(new Set(names).size).toBe(names.length);

    const a = await hub.request('tools/call', { name: 'alpha__echo', arguments: { text: 'hi' } }, client);
    expect(textOf(a)).toBe('alpha:hi');
    const e = await hub.request('tools/call', { name: 'every__echo', arguments: { message: 'yo' } }, client);
    expect(textOf(e)).toContain('yo');

    expect(hub.status().find((s) => s.name === 'alpha')?.toolCount).toBe(names.filter((n) => n.startsWith('alpha__')).length);
  });

  it('shortens a long namespaced name to 64 characters and maps it back on call', async () => {
    hub = testHub([rich('a_server_with_a_rather_long_name')]);
    await hub.start();
    const client = fakeClient('s1');
    const { tools } = (await hub.request('tools/list', {}, client)) as { tools: { name: string; description: string }[] };
    const long = tools.find((t) => t.description === 'Long name');
    expect(long).toBeDefined();
    expect(long!.name.length).toBeLessThanOrEqual(64);
    expect(long!.name.startsWith('a_server_with_a_rather_long_name__a_tool')).toBe(true);
    const result = await hub.request('tools/call', { name: long!.name, arguments: {} }, client);
    expect(textOf(result)).toBe('long ok');
  });

  it('applies allowTools and denyTools by the upstream name', async () => {
    hub = testHub([
      rich('allowed', { patchbay: { allowTools: ['echo', 'env'] } }),
      rich('denied', { patchbay: { denyTools: ['echo'] } }),
    ]);
    await hub.start();
    const client = fakeClient('s1');
    const { tools } = (await hub.request('tools/list', {}, client)) as { tools: { name: string }[] };
    const names = tools.map((t) => t.name);
    expect(names.filter((n) => n.startsWith('allowed__')).sort()).toEqual(['allowed__echo', 'allowed__env']);
    expect(names).not.toContain('denied__echo');
    expect(names).toContain('denied__env');
    await expect(hub.request('tools/call', { name: 'denied__echo', arguments: { text: 'x' } }, client)).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('denied__echo'),
    });
  });

  it('serves a custom prefix and an empty one, and reports a collision by name instead of picking a side', async () => {
    hub = testHub([
      rich('one', { patchbay: { prefix: '', allowTools: ['echo', 'env'] } }),
      rich('two', { patchbay: { prefix: 'b', allowTools: ['echo'] } }),
      rich('three', { patchbay: { prefix: '', allowTools: ['env'] } }),
    ]);
    await hub.start();
    const client = fakeClient('s1');
    const { tools } = (await hub.request('tools/list', {}, client)) as { tools: { name: string }[] };
    const names = tools.map((t) => t.name).sort();
    // "env" from one and three collide: both withheld; echo from one is unprefixed; two is b__.
    expect(names).toEqual(['b__echo', 'echo']);
    expect(textOf(await hub.request('tools/call', { name: 'echo', arguments: { text: 'z' } }, client))).toBe('one:z');
    const one = hub.status().find((s) => s.name === 'one')!;
    const three = hub.status().find((s) => s.name === 'three')!;
    expect(one.collisions?.[0]).toMatch(/"env".*"one".*"three"/);
    expect(three.collisions?.[0]).toMatch(/"env".*"one".*"three"/);
    await expect(hub.request('tools/call', { name: 'env', arguments: {} }, client)).rejects.toBeInstanceOf(HubRpcError);
    await hub.logs.flush();
    const hubLog = await readFile(join(hub.logs.dir, 'mcp.log'), 'utf8');
    expect(hubLog).toContain('[warn] Tool "env" is offered by "one" (as "env") and "three" (as "env"); all of them are withheld.');
  });

  it('routes resources by URI and by template, prompts by name, completions by reference', async () => {
    hub = testHub([rich('alpha'), rich('beta')]);
    await hub.start();
    const client = fakeClient('s1');
    const { resources } = (await hub.request('resources/list', {}, client)) as { resources: { uri: string }[] };
    expect(resources.map((r) => r.uri).sort()).toEqual(['fixture://alpha/static', 'fixture://beta/static']);
    const read = (await hub.request('resources/read', { uri: 'fixture://beta/static' }, client)) as { contents: { text: string }[] };
    expect(read.contents[0]!.text).toBe('beta static');
    const item = (await hub.request('resources/read', { uri: 'fixture://alpha/items/42' }, client)) as { contents: { text: string }[] };
    expect(item.contents[0]!.text).toBe('alpha item 42');
    await expect(hub.request('resources/read', { uri: 'fixture://nobody/x' }, client)).rejects.toMatchObject({
      code: -32002,
      message: expect.stringContaining('fixture://nobody/x'),
    });

    const { resourceTemplates } = (await hub.request('resources/templates/list', {}, client)) as {
      resourceTemplates: { uriTemplate: string }[];
    };
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['fixture://alpha/items/{id}', 'fixture://beta/items/{id}']);

    const prompt = (await hub.request('prompts/get', { name: 'beta__greet', arguments: { who: 'Ada' } }, client)) as {
      messages: { content: { text: string } }[];
    };
    expect(prompt.messages[0]!.content.text).toBe('beta greets Ada');

    const completion = (await hub.request(
      'completion/complete',
      { ref: { type: 'ref/resource', uri: 'fixture://beta/items/{id}' }, argument: { name: 'id', value: 'ap' } },
      client,
    )) as { completion: { values: string[] } };
    expect(completion.completion.values).toEqual(['apple', 'apricot']);

    const names = (await hub.request(
      'completion/complete',
      { ref: { type: 'ref/prompt', name: 'alpha__greet' }, argument: { name: 'who', value: 'A' } },
      client,
    )) as { completion: { values: string[] } };
    expect(names.completion.values).toEqual(['Ada', 'Alan']);
  });
});
