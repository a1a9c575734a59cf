/**
 * The rule set: secretlint's recommended preset run directly (src/secrets/rules/preset.ts) finds
 * exactly what secretlint's core finds with the same preset, on a planted secret of every rule;
 * the prefilter's anchors cover every scanner rule of the installed preset; spans are the
 * secret only; long text is checked in windows without missing a secret in the middle.
 */
import { describe, expect, it } from 'vitest';
import { lintSource } from '@secretlint/core';
import { creator } from '@secretlint/secretlint-rule-preset-recommend';
import { ANCHORS, PRESET_SCANNERS, shortRuleId } from '../../src/secrets/rules/preset.js';
import { findSecrets, knownSecrets, ruleIds } from '../../src/secrets/rules/scanner.js';
import { isSecretName, looksLikeCredential } from '../../src/secrets/rules/patchbay-rules.js';
import { PLANTED, UNPATTERNED } from './planted.js';

const PRESET_RULES = ['aws', 'gcp', 'privatekey', 'npm', 'basicauth', 'slack', 'sendgrid', 'shopify', 'github', 'openai', 'anthropic', 'linear', '1password', 'database-connection-string'];

async function secretlintCore(content: string, ext = '.txt'): Promise<string[]> {
  const result = await lintSource({
    source: { content, filePath: `/fixture${ext}`, ext, contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] } as never, maskSecrets: true },
  });
  return result.messages.map((m) => shortRuleId(m.ruleId)).sort();
}

describe('the preset, run directly', () => {
  it('has prefilter anchors for every scanner rule of the installed preset, and no others', () => {
    expect(PRESET_SCANNERS.map((r) => shortRuleId(r.meta.id)).sort()).toEqual([...PRESET_RULES].sort());
    expect(Object.keys(ANCHORS).sort()).toEqual([...PRESET_RULES].sort());
    expect(ruleIds()).toEqual(expect.arrayContaining([...PRESET_RULES, 'api-key-prefix', 'url-credentials', 'secret-name', 'stored-secret']));
  });

  for (const rule of PRESET_RULES.filter((r) => r !== 'gcp')) {
    it(`finds what secretlint's core finds: ${rule}, and only the secret`, async () => {
      const planted = PLANTED[rule]!;
      const text = `before ${planted.text} after`;
      expect(await secretlintCore(text)).toEqual([rule]);
      const spans = findSecrets(text);
      expect(spans.map((s) => s.ruleId)).toEqual([rule]);
      expect(text.slice(spans[0]!.start, spans[0]!.end)).toBe(planted.value);
    });
  }

  it("finds a GCP service account key file as the core does (.json only)", async () => {
    const keyFile = JSON.stringify({ type: 'service_account', private_key_id: 'a1b2', private_key: PLANTED.privatekey!.value });
    expect(await secretlintCore(keyFile, '.json')).toContain('gcp');
    expect(findSecrets(keyFile, { ext: '.json' }).length).toBeGreaterThan(0);
  });

  it('checks a long text in windows and still finds a secret in the middle and at the end', () => {
    const filler = 'lorem ipsum dolor sit amet, '.repeat(20_000);
    const text = `${filler} ${PLANTED.anthropic!.text} ${filler} ${PLANTED.github!.text}`;
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(findSecrets(text).map((s) => s.ruleId)).toEqual(['anthropic', 'github']);
    expect(findSecrets(filler + filler)).toEqual([]);
  });
});

describe("Patchbay's rules", () => {
  it('stored-secret finds a value no pattern knows', () => {
    const text = `the phrase is ${UNPATTERNED}.`;
    expect(findSecrets(text)).toEqual([]);
    const spans = findSecrets(text, { known: [knownSecrets([UNPATTERNED])] });
    expect(spans).toEqual([{ ruleId: 'stored-secret', start: 14, end: 14 + UNPATTERNED.length }]);
  });

  it('url-credentials: the password and secret query values only', () => {
    const text = 'GET https://bob:hunter22x@api.acme.io/v1?region=eu&api_key=abc123def&x=1';
    expect(findSecrets(text).map((s) => text.slice(s.start, s.end))).toEqual(['hunter22x', 'abc123def']);
  });

  it('secret names, and the values under them that are worth reporting', () => {
    for (const name of ['OPENAI_API_KEY', 'GITHUB_TOKEN', 'x-api-key', 'clientSecret', 'DB_PASSWORD', 'Authorization', 'GITHUB_PAT', 'STRIPE_KEY']) expect(isSecretName(name), name).toBe(true);
    for (const name of ['MAX_TOKENS', 'keywords', 'KEYBOARD', 'progressToken', 'LOG_LEVEL', 'cursor']) expect(isSecretName(name), name).toBe(false);
    expect(looksLikeCredential('hunter2x')).toBe(true);
    for (const value of ['${TOKEN}', 'Bearer ${TOKEN}', '${secret:GH}', 'true', '4096', '/home/me/key.pem', 'https://api.acme.io', '<your-api-key>', 'changeme']) {
      expect(looksLikeCredential(value), value).toBe(false);
    }
    // In traffic (strict) a name alone is not enough: the value must look like a key.
    expect(looksLikeCredential('user:123', true)).toBe(false);
    expect(looksLikeCredential('Zk29vQm3x8LpR4tW', true)).toBe(true);
  });
});
