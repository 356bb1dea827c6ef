import { defineConfig } from 'vitest/config';

/**
 * The daemon's HTTP face against real software: Debian's Prometheus scrapes it and headless Chromium loads
 * its status page (`npm run test:daemon`; scripts/daemon-suite/setup.sh installs both, as root). Each file
 * starts its own sandbox, daemon server and Prometheus on loopback and stops them at the end.
 */
export default defineConfig({
  test: {
    include: ['test/daemon/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['test/global-tmp.ts'],
  },
});
