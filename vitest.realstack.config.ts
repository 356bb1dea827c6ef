import { defineConfig } from 'vitest/config';

/**
 * Real-stack end-to-end suite: `npm run build && npm run test:realstack` (root, Debian 12; see
 * scripts/realstack/README.md). The global setup brings up real OpenStack (Keystone, Placement, Glance,
 * Nova, Cinder, RabbitMQ), the file-backed sandbox array and a real libvirt/QEMU guest, and tears it all
 * down afterwards; the tests drive the built CLI. Files run one at a time: they share one instance.
 */
export default defineConfig({
  test: {
    include: ['test/realstack/**/*.test.ts'],
    globalSetup: ['test/realstack/global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
    sequence: { shuffle: false },
  },
});
