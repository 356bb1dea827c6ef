import { defineConfig } from 'vitest/config';

/**
 * The journal on a real PostgreSQL (`npm run test:pg`; scripts/pg-suite/setup.sh installs Debian's postgresql,
 * as root). test/pg/global-setup.ts starts one throwaway cluster for the run (a Unix socket and a loopback
 * port) and stops it at the end; each file works in databases of its own.
 */
export default defineConfig({
  test: {
    name: 'pg',
    include: ['test/pg/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['test/pg/global-setup.ts', 'test/global-tmp.ts'],
  },
});
