import { describe, expect, it } from 'vitest';
import { findMissingDependency } from './diagnose.js';

describe('findMissingDependency', () => {
  it('does not mistake an error message for a missing program', () => {
    expect(findMissingDependency(['Error: not found'])).toBeUndefined();
    expect(findMissingDependency(['bash: rg: command not found'])).toMatchObject({ name: 'rg', kind: 'program' });
  });
});
