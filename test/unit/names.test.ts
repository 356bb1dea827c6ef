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

  it('makes 12-hex set ids and clean labels', () => {
    expect(newSetId()).toMatch(/^[0-9a-f]{12}$/);
    expect(sanitizeLabel('-- a/b c --')).toBe('a_b_c');
  });
});
