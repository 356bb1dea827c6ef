import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/component/**/*.test.ts', 'test/smoke/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One private TMPDIR per run, removed at the end (test/global-tmp.ts).
    globalSetup: ['test/global-tmp.ts'],
  },
});
