import { expect } from 'vitest';
import { CcsnapError } from '../../src/errors.js';

/**
 * Awaits a promise that must reject with a CcsnapError, and returns that error (for code/details checks).
 * `secrets`: none of them (nor their URL-encoded form) may appear in the message or the details.
 */
export async function rejectionOf(p: Promise<unknown>, opts: { secrets?: string[] } = {}): Promise<CcsnapError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CcsnapError);
    const e = err as CcsnapError;
    for (const secret of opts.secrets ?? []) {
      for (const form of new Set([secret, encodeURIComponent(secret)])) {
        expect(e.message).not.toContain(form);
        expect(JSON.stringify(e.details)).not.toContain(form);
      }
    }
    return e;
  }
  throw new Error('expected a rejection');
}
