import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/component/**/*.test.ts', 'test/smoke/**/*.test.ts', 'test/package/**/*.test.ts'],
    // Generous: on a loaded 2-core CI machine a CLI run can take seconds, and a hook runs several. Time is
    // never what a test here asserts (that lives in the benchmarks).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One private TMPDIR per run, removed at the end (test/global-tmp.ts).
    globalSetup: ['test/global-tmp.ts'],
  },
});
