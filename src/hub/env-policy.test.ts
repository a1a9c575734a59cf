import { describe, expect, it } from 'vitest';
import { buildServerEnv } from './env-policy.js';

describe('stdio env policy', () => {
  it('passes what a process needs, whatever its case on Windows, and drops everything else', () => {
    const env = buildServerEnv({
      hubEnv: {
        Path: 'C:\\Windows',
        SystemRoot: 'C:\\Windows',
        APPDATA: 'C:\\Users\\a\\AppData\\Roaming',
        LC_CTYPE: 'UTF-8',
        NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
        ANTHROPIC_API_KEY: 'sk-ant-secret',
        AWS_SECRET_ACCESS_KEY: 'secret',
        RANDOM_APP_SETTING: 'x',
      },
      entryEnv: { GITHUB_TOKEN: 'ghp_x', PATH: '/custom/bin' },
      passEnv: ['RANDOM_APP_SETTING'],
      platform: 'win32',
    });
    expect(env).toEqual({
      SystemRoot: 'C:\\Windows',
      APPDATA: 'C:\\Users\\a\\AppData\\Roaming',
      LC_CTYPE: 'UTF-8',
      NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
      RANDOM_APP_SETTING: 'x',
      GITHUB_TOKEN: 'ghp_x',
      PATH: '/custom/bin',
    });
  });
});
