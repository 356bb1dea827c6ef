import { CcsnapError } from '../errors.js';
import type { SetRecord } from '../journal/index.js';
import type { Runtime } from '../runtime.js';
import { mapLimited } from '../util/limit.js';
import { gatherInventory } from './inventory.js';
import { requireName } from './resolve.js';
import { catalogFor } from './snapshots.js';

export interface SetView {
  set: Omit<SetRecord, 'members'> | null;
  instanceId: string;
  instanceName: string;
  members: Array<{
    volumeId: string;
    arrayName: string;
    fsId: string;
    snapshotName: string;
    path: string | null;
    journalState: string | null;
    onArray: boolean;
  }>;
}

/** One set in full: the journal's record checked against the array; or, unknown to the journal, rebuilt from the array. */
export async function showSet(rt: Runtime, setId: string, signal?: AbortSignal): Promise<SetView> {
  requireName(setId, 'set');
  rt.requireArrays();
  const set = await rt.journal().getSet(setId);
  if (set) {
    const members = await mapLimited(set.members, 8, async (m) => {
      const snaps = await rt.array(m.arrayName).listStorageSnapshots({ fsId: m.fsId, ...(signal ? { signal } : {}) });
      const hit = snaps.find((s) => s.name === m.snapshotName);
      return {
        volumeId: m.volumeId,
        arrayName: m.arrayName,
        fsId: m.fsId,
        snapshotName: m.snapshotName,
        path: hit?.path ?? m.path,
        journalState: m.state,
        onArray: Boolean(hit),
      };
    });
    const { members: _m, ...rest } = set;
    return { set: rest, instanceId: set.instanceId, instanceName: set.instanceName, members };
  }
  const inventory = await gatherInventory(rt, signal ? { signal } : {});
  const hits = (await catalogFor(rt, inventory.instances, signal)).filter((e) => e.setId === setId && e.onArray);
  if (hits.length === 0) throw new CcsnapError('CCSNAP_SET_NOT_FOUND', `no snapshot set ${setId} in the journal or on the array`);
  return {
    set: null,
    instanceId: hits[0]!.instance.id,
    instanceName: hits[0]!.instance.name,
    members: hits.map((e) => ({
      volumeId: e.volumeId,
      arrayName: e.arrayName,
      fsId: e.fsId,
      snapshotName: e.name,
      path: e.path,
      journalState: null,
      onArray: true,
    })),
  };
}
