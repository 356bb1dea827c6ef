import { defineConfig } from 'vitest/config';

/**
 * Real OpenStack clients (Debian's python3-openstackclient, -novaclient, -cinderclient) against the
 * sandbox. Install them with scripts/install-openstack-clients.sh; run with scripts/test-realclients.sh
 * or `npm run test:clients`.
 */
export default defineConfig({
  test: {
    include: ['test/realclients/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
