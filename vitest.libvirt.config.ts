import { defineConfig } from 'vitest/config';

// Real libvirt + QEMU (TCG) + qemu-guest-agent suite: `npm run test:libvirt` (root; see scripts/realvm/setup.sh).
// The global setup boots the guest (or uses REALVM_* from the environment) and tears it down afterwards.
export default defineConfig({
  test: {
    include: ['test/libvirt/**/*.test.ts'],
    globalSetup: ['test/libvirt/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
