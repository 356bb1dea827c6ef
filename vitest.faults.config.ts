import { defineConfig } from 'vitest/config';

// The thaw guarantee's fault matrix (test/faults): the built CLI against a sandbox, one case at a time so that the
// measured frozen times are the product's, not the test machine's. `npm run test:faults` (after `npm run build`).
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 30_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
