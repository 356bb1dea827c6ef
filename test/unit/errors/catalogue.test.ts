import { describe, expect, it } from 'vitest';
import { ERROR_CODE_GROUPS, ERROR_CODES, exitStatusOf, isErrorCode, type CcsnapErrorCode } from '../../../src/error-codes/index.js';
import { CcsnapError, toCcsnapError } from '../../../src/errors.js';

const entries = Object.entries(ERROR_CODES) as Array<[CcsnapErrorCode, (typeof ERROR_CODES)[CcsnapErrorCode]]>;

describe('the error catalogue', () => {
  it('lists each code in exactly one section', () => {
    const inGroups = ERROR_CODE_GROUPS.flatMap((g) => Object.keys(g.codes));
    expect(inGroups).toHaveLength(new Set(inGroups).size);
    expect(inGroups.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('gives every code a one-line meaning and fix that end with a full stop', () => {
    const bad = entries.filter(([, i]) => !/^[^\n|]+\.$/.test(i.meaning) || !/^[^\n|]+\.$/.test(i.fix)).map(([c]) => c);
    expect(bad).toEqual([]);
  });

  it('names codes CCSNAP_ + capitals, digits and underscores', () => {
    expect(entries.map(([c]) => c).filter((c) => !/^CCSNAP_[A-Z0-9_]+$/.test(c))).toEqual([]);
  });

  it('tells codes from other strings', () => {
    expect(isErrorCode('CCSNAP_LOCKED')).toBe(true);
    expect(isErrorCode('CCSNAP_CONFIG')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });
});

describe('exit status from the catalogue', () => {
  it('is 2 for usage errors and 1 for the others', () => {
    expect(exitStatusOf('CCSNAP_USAGE')).toBe(2);
    expect(exitStatusOf('CCSNAP_CONFIRM_REQUIRED')).toBe(2);
    expect(exitStatusOf('CCSNAP_LOCKED')).toBe(1);
  });

  it('is what a CcsnapError exits with unless told otherwise', () => {
    expect(new CcsnapError('CCSNAP_ARRAY_BAD_NAME', 'x').exitCode).toBe(2);
    expect(new CcsnapError('CCSNAP_INTERNAL', 'x').exitCode).toBe(1);
    expect(new CcsnapError('CCSNAP_INTERNAL', 'x', { exitCode: 2 }).exitCode).toBe(2);
    expect(toCcsnapError(new Error('boom')).exitCode).toBe(1);
  });
});
