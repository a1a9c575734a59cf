import { describe, expect, it } from 'vitest';
import { randomId } from './random-id.js';

describe('pooled random ids', () => {
  it('gives base64url ids of the asked length that do not repeat across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) { // 60,000 bytes: the 4 KiB pool is refilled many times
      const id = randomId(12);
      expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
  });
});
