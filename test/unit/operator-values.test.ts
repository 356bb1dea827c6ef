import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { countParser, parseAgeOption, parseTimeoutSeconds } from '../../src/cli/parse-values.js';
import { planDelete } from '../../src/engine/plan-delete.js';
import { CcsnapError } from '../../src/errors.js';
import { pickInstance, requireName } from '../../src/ops/resolve.js';
import { parseAge } from '../../src/util/time.js';

describe('parseAge (destructive ages)', () => {
  it('needs a unit and a value above zero', () => {
    expect(parseAge('90s')).toBe(90_000);
    expect(parseAge('15m')).toBe(900_000);
    expect(parseAge('12h')).toBe(43_200_000);
    expect(parseAge('7d')).toBe(604_800_000);
    expect(parseAge('2w')).toBe(1_209_600_000);
    expect(parseAge('1.5h')).toBe(5_400_000);
    for (const bad of ['7', '0', '0d', '0.0h', '-1d', '5x', '', ' ', '1e3d', '10ms', '200000w']) expect(() => parseAge(bad), bad).toThrow(CcsnapError);
    expect(() => parseAgeOption('7')).toThrow(InvalidArgumentError);
  });
});

describe('countParser / parseTimeoutSeconds', () => {
  it('accepts plain whole numbers in range only', () => {
    const keep = countParser(0, 10_000);
    expect(keep('0')).toBe(0);
    expect(keep('10000')).toBe(10_000);
    for (const bad of ['1e99', '1e2', '0x10', '2.0', '-1', '10001', '', ' ', 'abc', '99999999999']) expect(() => keep(bad), bad).toThrow(InvalidArgumentError);
    expect(parseTimeoutSeconds('2.5')).toBe(2.5);
    for (const bad of ['0', '-1', '1e99', '86401', 'Infinity', 'NaN', '']) expect(() => parseTimeoutSeconds(bad), bad).toThrow(InvalidArgumentError);
  });
});

describe('empty names in the library', () => {
  it('requireName and pickInstance refuse an empty or blank reference with CCSNAP_EMPTY_NAME', () => {
    expect(() => requireName('', 'set')).toThrow(expect.objectContaining({ code: 'CCSNAP_EMPTY_NAME', exitCode: 2 }));
    expect(() => pickInstance([], ' ')).toThrow(expect.objectContaining({ code: 'CCSNAP_EMPTY_NAME' }));
  });
});

describe('planDelete with an age', () => {
  it('records the cut-off and prunes only the sets created before it', () => {
    const instance = { id: 'i1', name: 'web-1', status: 'ACTIVE', host: 'h', domain: 'd' };
    const entry = (setId: string, created: string) => ({
      instance,
      volumeId: 'v1',
      arrayName: 'a',
      fsId: 'f1',
      name: `ccs_${setId}`,
      path: `p@${setId}`,
      clones: 0,
      setId,
      index: 1,
      total: 1,
      created,
      onArray: true,
      journal: undefined,
    });
    const now = new Date('2026-11-27T12:00:00.000Z');
    const plan = planDelete(instance, [entry('old', '2026-11-20T00:00:00.000Z'), entry('new', '2026-11-27T11:00:00.000Z')], {
      refs: [],
      now,
      olderThanMs: 86_400_000,
    });
    expect(plan.cutoff).toBe('2026-11-26T12:00:00.000Z');
    expect(plan.deletions.map((d) => d.setId)).toEqual(['old']);
    expect(plan.selected[0]!.why).toContain('created before 2026-11-26T12:00:00.000Z');
  });
});
