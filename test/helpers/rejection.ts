import { expect } from 'vitest';
import { CcsnapError } from '../../src/errors.js';

/** Awaits a promise that must reject with a CcsnapError, and returns that error (for code/details checks). */
export async function rejectionOf(p: Promise<unknown>): Promise<CcsnapError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CcsnapError);
    return err as CcsnapError;
  }
  throw new Error('expected a rejection');
}
