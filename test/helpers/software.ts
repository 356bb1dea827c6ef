import { it } from 'vitest';

/**
 * For tests that need real software (virsh, curl, openssl): returns true (skip them) when `have` is
 * false. Outside CI the skip is announced on stderr. In CI (CI=true), where .ci/run installs that
 * software, a missing program must not hide tests: a failing test naming it is registered instead.
 * Use as `describe.skipIf(skipWithout(HAS_VIRSH, 'virsh (libvirt-clients)'))(...)`.
 */
export function skipWithout(have: boolean, what: string): boolean {
  if (have) return false;
  if (process.env.CI === 'true') {
    it(`has ${what} installed (CI must not skip tests that need it)`, () => {
      throw new Error(`${what} is not installed: in CI the tests that need it would be skipped silently; install it (see .ci/run)`);
    });
  } else {
    console.warn(`skipping tests: ${what} is not installed`);
  }
  return true;
}
