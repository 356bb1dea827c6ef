import { describe, expect, it } from 'vitest';
import { formatSnapshotName } from '../../../src/engine/names.js';
import { planRollback, type RollbackFacts } from '../../../src/engine/plan-rollback.js';

const at = new Date('2026-11-26T06:00:00Z');
const setIds = ['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc', 'dddddddddddd'];

function facts(volumes: number): RollbackFacts {
  const vols = Array.from({ length: volumes }, (_, i) => ({
    id: `v${i}`,
    name: `v${i}`,
    volumeType: 'cb-ssd',
    bootable: i === 0,
    device: null,
    array: { name: 'ec1', fsId: `fs${i}` },
  }));
  const snapshotsByFs = new Map(
    vols.map((v, i) => [
      v.array.fsId,
      setIds.map((id) => {
        const name = formatSnapshotName(id, at, i + 1, volumes);
        return { name, path: `P/A/${v.array.fsId}@${name}`, clones: 0, timestamp: '' };
      }),
    ]),
  );
  return {
    instance: { id: 'i', name: 'web-1', status: 'ACTIVE', host: 'h', domain: 'd' },
    setId: setIds[0]!,
    members: vols.map((v, i) => ({ volumeId: v.id, arrayName: 'ec1', fsId: v.array.fsId, snapshotName: formatSnapshotName(setIds[0]!, at, i + 1, volumes) })),
    volumes: vols,
    snapshotsByFs,
    semanticsByArray: () => 'newest-only',
  };
}

describe('planRollback refusal', () => {
  it('refuses a set with a volume another instance has attached too, naming it, whatever else is asked', () => {
    const f = facts(2);
    f.volumes[1] = { ...f.volumes[1]!, sharedWith: ['i-other'] };
    for (const options of [
      { discardNewer: true, partial: false, safety: true },
      { discardNewer: true, partial: true, safety: false },
    ]) {
      try {
        planRollback(f, options);
        expect.unreachable();
      } catch (err) {
        const e = err as { code: string; message: string; details: { shared: unknown } };
        expect(e.code).toBe('CCSNAP_ROLLBACK_VOLUME_SHARED');
        expect(e.message).toContain('volume v1 is also attached to instance i-other');
        expect(e.message).toContain('nothing was changed');
        expect(e.details.shared).toEqual([{ volumeId: 'v1', instances: ['i-other'] }]);
      }
    }
    // The same set without the second attachment plans.
    expect(planRollback(facts(2), { discardNewer: true, partial: false, safety: true }).volumes).toHaveLength(2);
  });

  it('names every newer snapshot path when there are few', () => {
    expect(() => planRollback(facts(2), { discardNewer: false, partial: false, safety: true })).toThrow(
      /P\/A\/fs0@ccs_bbbbbbbbbbbb.*P\/A\/fs1@ccs_dddddddddddd/,
    );
  });

  it('groups many newer snapshots by set, keeping every path in the details', () => {
    try {
      planRollback(facts(4), { discardNewer: false, partial: false, safety: true });
      expect.unreachable();
    } catch (err) {
      const e = err as { code: string; message: string; details: { newer: string[] } };
      expect(e.code).toBe('CCSNAP_NEWER_SNAPSHOTS');
      expect(e.message).toContain('12 newer snapshot(s): set bbbbbbbbbbbb (4 volumes), set cccccccccccc (4 volumes), set dddddddddddd (4 volumes)');
      expect(e.details.newer).toHaveLength(12);
    }
  });

  it('with --discard-newer, plans ccsnap deleting exactly those on a newest-only array', () => {
    const plan = planRollback(facts(2), { discardNewer: true, partial: false, safety: true });
    expect(plan.volumes.map((v) => [v.discardBy, v.discard.length])).toEqual([
      ['ccsnap', 3],
      ['ccsnap', 3],
    ]);
    expect(plan.safety.take).toBe(false);
  });
});
