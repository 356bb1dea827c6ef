import { describe, expect, it } from 'vitest';
import { catalogSnapshots } from '../../../src/engine/catalog.js';
import type { ArraySnapshotInfo, InstanceInfo, VolumeInfo } from '../../../src/engine/ports.js';
import type { SetRecord } from '../../../src/journal/types.js';

/** The Status column of a set's snapshots, under its own instance and under one that shares a volume with it. */

const WEB: InstanceInfo = { id: 'i1', name: 'web-1', status: 'ACTIVE', host: 'h1', domain: 'instance-1' };
const DB: InstanceInfo = { id: 'i2', name: 'db-1', status: 'ACTIVE', host: 'h2', domain: 'instance-2' };
const volume = (id: string, fsId: string): VolumeInfo => ({ id, name: id, volumeType: 'cb-ssd', bootable: false, device: null, array: { name: 'ec1', fsId } });
const BOOT = volume('v1', 'f1');
const SHARED = volume('v2', 'f2');
const DB_BOOT = volume('v3', 'f3');

const SET = 'aaaaaaaaaaa1';
const nameOf = (k: number) => `ccs_${SET}_20260501100000_${k}of2`;
const webSet: SetRecord = {
  id: SET,
  instanceId: 'i1',
  instanceName: 'web-1',
  label: null,
  createdAt: '2026-05-01T10:00:00Z',
  state: 'complete',
  consistency: 'filesystem-consistent',
  reason: null,
  frozenMs: 5,
  thawedBy: 'ccsnap',
  opId: 'op-1',
  steps: null,
  policy: null,
  occurrence: null,
  members: [BOOT, SHARED].map((v, i) => ({
    setId: SET,
    volumeId: v.id,
    arrayName: 'ec1',
    fsId: v.array!.fsId,
    snapshotName: nameOf(i + 1),
    path: `POOL/fs@${nameOf(i + 1)}`,
    state: 'created' as const,
    error: null,
  })),
};
const snap = (k: number): ArraySnapshotInfo => ({ name: nameOf(k), path: `POOL/fs@${nameOf(k)}`, clones: 0, timestamp: 'Fri May 01 2026 10:00' });

function statuses(byFs: Record<string, ArraySnapshotInfo[]>): string[] {
  const instances = [
    { instance: WEB, volumes: [BOOT, SHARED] },
    { instance: DB, volumes: [DB_BOOT, SHARED] },
  ];
  return catalogSnapshots(instances, new Map(Object.entries(byFs)), [webSet]).map((e) => `${e.instance.name} ${e.volumeId} ${e.status}`);
}

describe("a set's status, with one of its volumes shared by another instance", () => {
  it('is ok under both instances when every snapshot of the set is on the array', () => {
    expect(statuses({ f1: [snap(1)], f2: [snap(2)], f3: [] })).toEqual(['web-1 v1 ok', 'web-1 v2 ok', 'db-1 v2 ok']);
  });

  it('is incomplete under its own instance when a snapshot is gone, and the gone one is missing under both', () => {
    expect(statuses({ f1: [snap(1)], f2: [], f3: [] })).toEqual(['web-1 v1 incomplete', 'web-1 v2 missing-on-array', 'db-1 v2 missing-on-array']);
  });

  it("under the other instance, the set's snapshot on the shared volume stays ok when the one on a volume it does not see is gone", () => {
    expect(statuses({ f1: [], f2: [snap(2)], f3: [] })).toEqual(['web-1 v1 missing-on-array', 'web-1 v2 incomplete', 'db-1 v2 ok']);
  });
});
