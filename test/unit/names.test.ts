import { describe, expect, it } from 'vitest';
import { formatSnapshotName, newSetId, parseSnapshotName, sanitizeLabel } from '../../src/engine/names.js';

describe('snapshot names', () => {
  it('round-trips set id, time, index and label', () => {
    const at = new Date('2026-11-26T06:30:05Z');
    const name = formatSnapshotName('0123456789ab', at, 2, 3, 'before upgrade!');
    expect(name).toBe('ccs_0123456789ab_20261126063005_2of3_before_upgrade');
    expect(name).toMatch(/^[A-Za-z0-9_]+$/);
    expect(parseSnapshotName(name)).toEqual({ setId: '0123456789ab', createdAt: at, index: 2, total: 3, label: 'before_upgrade' });
  });

  it('does not parse foreign names', () => {
    expect(parseSnapshotName('mysnappy2')).toBeUndefined();
    expect(parseSnapshotName('snap_99c80f2ba2864e5089891040e9b4e471')).toBeUndefined();
  });

  it('does not parse a name whose time does not exist (its Date would be invalid)', () => {
    for (const stamp of ['20261301000000', '20260230000000', '20261126240000', '20261126236000', '20261126235960', '00500230000000'])
      expect(parseSnapshotName(`ccs_0123456789ab_${stamp}_1of2`), stamp).toBeUndefined();
    expect(parseSnapshotName('ccs_0123456789ab_20240229235959_1of2')?.createdAt.toISOString()).toBe('2024-02-29T23:59:59.000Z');
    expect(parseSnapshotName('ccs_0123456789ab_20261231000000_1of2')?.createdAt.toISOString()).toBe('2026-12-31T00:00:00.000Z');
    // Any year a Date holds, as an ISO string reads it (Date.UTC would have made 0050 into 1950).
    expect(parseSnapshotName('ccs_0123456789ab_00501126000000_1of2')?.createdAt.getUTCFullYear()).toBe(50);
  });

  it('makes 12-hex set ids and clean labels', () => {
    expect(newSetId()).toMatch(/^[0-9a-f]{12}$/);
    expect(sanitizeLabel('-- a/b c --')).toBe('a_b_c');
  });
});
