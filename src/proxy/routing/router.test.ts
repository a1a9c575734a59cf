import { describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../anthropic-types.js';
import { parseProxySettings } from '../config/validate.js';
import { createProviderRouter, RoutingError } from './router.js';

const settings = parseProxySettings({
  providers: [
    { name: 'openai', kind: 'openai' },
    { name: 'gemini', kind: 'gemini' },
    { name: 'anthropic', kind: 'anthropic' },
  ],
  router: {
    default: 'openai,gpt-4.1',
    background: 'openai,gpt-4.1-mini',
    think: 'anthropic',
    longContext: 'gemini,gemini-2.5-pro',
    longContextThreshold: 1000,
    webSearch: 'gemini,gemini-2.5-flash',
  },
  aliases: { fast: 'gemini,gemini-2.5-flash' },
  fallbacks: { default: ['gemini,gemini-2.5-pro', 'openai,gpt-4.1'], 'gemini,gemini-2.5-pro': ['openai,gpt-4.1'] },
}, 'config.json', {});

let estimated = 0;
const router = createProviderRouter(settings, { estimateTokens: (r) => { estimated++; return JSON.stringify(r.messages).length; } });

function request(model: string, extra: Partial<MessagesRequest> = {}): MessagesRequest {
  return { model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], ...extra };
}
const route = (r: MessagesRequest): [string, string[]] => {
  const d = router.route(r);
  return [d.reason, d.targets.map((t) => `${t.provider.name},${t.model}`)];
};

describe('createProviderRouter', () => {
  it('sends sonnet- and opus-class requests to the default route, then its fallbacks in order', () => {
    expect(route(request('claude-sonnet-4-6'))).toEqual(['default', ['openai,gpt-4.1', 'gemini,gemini-2.5-pro']]);
    expect(route(request('claude-opus-4-8'))[0]).toBe('default');
  });

  it('sends haiku-class requests to the background route', () => {
    expect(route(request('claude-haiku-4-5-20251001'))).toEqual(['background', ['openai,gpt-4.1-mini']]);
  });

  it('honours an explicit provider,model and uses that route\'s own fallbacks', () => {
    expect(route(request('gemini,gemini-2.5-pro'))).toEqual(['explicit', ['gemini,gemini-2.5-pro', 'openai,gpt-4.1']]);
  });

  it('rejects an explicit route to an unknown provider with the known ones listed', () => {
    expect(() => router.route(request('mistral,large'))).toThrow(RoutingError);
    expect(() => router.route(request('mistral,large'))).toThrow(/known: openai, gemini, anthropic/);
    expect(() => router.route(request('openai,'))).toThrow(/no model after the comma/);
  });

  it('resolves aliases before any scenario', () => {
    expect(route(request('fast'))).toEqual(['alias', ['gemini,gemini-2.5-flash']]);
  });

  it('routes long contexts by estimated tokens, before the haiku rule', () => {
    const long = request('claude-haiku-4-5', { messages: [{ role: 'user', content: 'x'.repeat(2000) }] });
    expect(route(long)[0]).toBe('longContext');
  });

  it('routes web-search tools and enabled thinking; adaptive thinking alone is the default', () => {
    expect(route(request('claude-sonnet-4-6', { tools: [{ type: 'web_search_20250305', name: 'web_search' }] }))[0]).toBe('webSearch');
    expect(route(request('claude-sonnet-4-6', { thinking: { type: 'enabled', budget_tokens: 2048 } }))).toEqual(['think', ['anthropic,claude-sonnet-4-6']]);
    expect(route(request('claude-sonnet-4-6', { thinking: { type: 'adaptive' } }))[0]).toBe('default');
  });

  it('estimates tokens only when a longContext route exists', () => {
    const plain = createProviderRouter({ ...settings, router: { ...settings.router, longContext: undefined } }, { estimateTokens: () => { throw new Error('estimated'); } });
    expect(plain.route(request('claude-sonnet-4-6')).reason).toBe('default');
    const before = estimated;
    router.route(request('claude-sonnet-4-6'));
    expect(estimated).toBe(before + 1);
  });

  it('says what to configure when there is no default route', () => {
    const empty = createProviderRouter({ ...settings, router: { ...settings.router, default: undefined, longContext: undefined } }, { estimateTokens: () => 0 });
    expect(() => empty.route(request('claude-sonnet-4-6'))).toThrow(/proxy.router.default is not set/);
  });
});
