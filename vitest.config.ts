import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Every test gets a temporary HOME, APPDATA and XDG_* (see test/setup-home.ts):
    // nothing may read or write the real home directory.
    setupFiles: ['test/setup-home.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
