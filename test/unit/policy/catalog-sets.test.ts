import { describe, expect, it } from 'vitest';
import { catalogSnapshots } from '../../../src/engine/catalog.js';
import type { ArraySnapshotInfo, InstanceInfo } from '../../../src/engine/ports.js';
import type { SetRecord } from '../../../src/journal/types.js';
import { retentionSetsFromCatalog } from '../../../src/policy/catalog-sets.js';

const WEB: InstanceInfo = { id: 'i1', name: 'web-1', status: 'ACTIVE', host: 'h1', domain: 'instance-1' };
const VOLUMES = [
  { id: 'v1', name: 'boot', volumeType: 'cb-ssd', bootable: true, device: '/dev/vda', array: { name: 'ec1', fsId: 'f1' } },
  { id: 'v2', name: 'data', volumeType: 'cb-ssd', bootable: false, device: '/dev/vdb', array: { name: 'ec1', fsId: 'f2' } },
];

function snapName(setId: string, k: number, n = 2) {
  return `ccs_${setId}_20260501100000_${k}of${n}`;
}

function journalSet(id: string, over: Partial<SetRecord> = {}): SetRecord {
  return {
    id,
    instanceId: 'i1',
    instanceName: 'web-1',
    label: null,
    createdAt: `2026-05-01T10:00:0${id.at(-1)}Z`,
    state: 'complete',
    consistency: 'filesystem-consistent',
    reason: null,
    frozenMs: 5,
    thawedBy: 'ccsnap',
    opId: `op-${id}`,
    steps: null,
    policy: 'hourly',
    occurrence: 'hourly@2026-05-01T10:00:00Z',
    members: [
      { setId: id, volumeId: 'v1', arrayName: 'ec1', fsId: 'f1', snapshotName: snapName(id, 1), path: null, state: 'created', error: null },
      { setId: id, volumeId: 'v2', arrayName: 'ec1', fsId: 'f2', snapshotName: snapName(id, 2), path: null, state: 'created', error: null },
    ],
    ...over,
  };
}

function snap(name: string, clones = 0): ArraySnapshotInfo {
  return { name, path: `POOL/ACC/fs@${name}`, clones, timestamp: 'Fri May 01 2026 10:00' };
}

function sets(journal: SetRecord[], byFs: Record<string, ArraySnapshotInfo[]>) {
  const entries = catalogSnapshots([{ instance: WEB, volumes: VOLUMES }], new Map(Object.entries(byFs)), journal);
  return Object.fromEntries(retentionSetsFromCatalog(journal, entries).map((s) => [s.id, `${s.state}${s.hasClones ? '+clones' : ''} ${s.policy ?? 'manual'}`]));
}

describe('retention sets from the journal checked against the array', () => {
  it('a complete set with every member on the array is complete; with some gone incomplete; with none gone deleted', () => {
    const journal = [journalSet('aaaaaaaaaaa1'), journalSet('aaaaaaaaaaa2'), journalSet('aaaaaaaaaaa3')];
    expect(
      sets(journal, {
        f1: [snap(snapName('aaaaaaaaaaa1', 1)), snap(snapName('aaaaaaaaaaa2', 1))],
        f2: [snap(snapName('aaaaaaaaaaa1', 2))],
      }),
    ).toEqual({ aaaaaaaaaaa1: 'complete hourly', aaaaaaaaaaa2: 'incomplete hourly', aaaaaaaaaaa3: 'deleted hourly' });
  });

  it('keeps creating and failed as they are; a deleted set still on the array is incomplete', () => {
    const journal = [
      journalSet('bbbbbbbbbbb1', { state: 'creating' }),
      journalSet('bbbbbbbbbbb2', { state: 'failed' }),
      journalSet('bbbbbbbbbbb3', { state: 'deleted' }),
      journalSet('bbbbbbbbbbb4', { state: 'deleted' }),
    ];
    expect(sets(journal, { f1: [snap(snapName('bbbbbbbbbbb3', 1))] })).toEqual({
      bbbbbbbbbbb1: 'creating hourly',
      bbbbbbbbbbb2: 'failed hourly',
      bbbbbbbbbbb3: 'incomplete hourly',
      bbbbbbbbbbb4: 'deleted hourly',
    });
  });

  it('marks a set with clones on any member', () => {
    expect(sets([journalSet('ccccccccccc1')], { f1: [snap(snapName('ccccccccccc1', 1))], f2: [snap(snapName('ccccccccccc1', 2), 1)] })).toEqual({
      ccccccccccc1: 'complete+clones hourly',
    });
  });

  it('a ccsnap set the journal does not know is a manual set; foreign snapshots are no set', () => {
    expect(
      sets([], {
        f1: [snap(snapName('ddddddddddd1', 1)), snap(snapName('ddddddddddd2', 1)), snap('nightly-backup')],
        f2: [snap(snapName('ddddddddddd1', 2))],
      }),
    ).toEqual({ ddddddddddd1: 'complete manual', ddddddddddd2: 'incomplete manual' });
  });

  it('takes the policy from the journal only', () => {
    expect(
      sets([journalSet('eeeeeeeeeee1', { policy: null, occurrence: null })], {
        f1: [snap(snapName('eeeeeeeeeee1', 1))],
        f2: [snap(snapName('eeeeeeeeeee1', 2))],
      }),
    ).toEqual({ eeeeeeeeeee1: 'complete manual' });
  });
});
