import { catalogVolume, indexJournal, settleStatuses, type InstanceSnapshots, type ListedSnapshot } from '../engine/catalog.js';
import type { ArraySnapshotInfo, InstanceInfo, VolumeInfo } from '../engine/ports.js';
import type { SetRecord } from '../journal/types.js';
import type { Runtime } from '../runtime.js';
import { forEachLimited } from '../util/limit.js';

export type { ListedSnapshot } from '../engine/catalog.js';

/** listStorageSnapshots calls in flight at once (one per array filesystem). */
const LIST_CONCURRENCY = 32;

interface ArrayVolume {
  instance: InstanceInfo;
  volume: VolumeInfo;
  array: { name: string; fsId: string };
}

/** listStorageSnapshots for every array volume of the given instances, bounded in parallel. */
export async function fetchSnapshotsByFs(rt: Runtime, instances: InstanceSnapshots[], signal?: AbortSignal): Promise<Map<string, ArraySnapshotInfo[]>> {
  const byFs = new Map<string, ArraySnapshotInfo[]>();
  await forEachFilesystem(rt, arrayVolumesOf(instances), signal, (fs, snapshots) => byFs.set(fs.array.fsId, snapshots));
  return byFs;
}

/**
 * Every snapshot of the instances' array volumes (the array's truth), with journal metadata and drift status.
 * `journalSets`: the journal's sets of these instances when the caller has read them already.
 * Each filesystem's list becomes entries as it arrives (the raw lists never pile up), in the inventory's
 * order of instances and volumes whatever order the answers come in.
 */
export async function catalogFor(rt: Runtime, instances: InstanceSnapshots[], signal?: AbortSignal, journalSets?: SetRecord[]): Promise<ListedSnapshot[]> {
  const journal = indexJournal(journalSets ?? (await journalSetsOf(rt, instances)));
  const volumes = arrayVolumesOf(instances);
  const byVolume: ListedSnapshot[][] = new Array<ListedSnapshot[]>(volumes.length);
  await forEachFilesystem(rt, volumes, signal, (_fs, snapshots, users) => {
    for (const i of users) byVolume[i] = catalogVolume(journal, volumes[i]!.instance, volumes[i]!.volume, volumes[i]!.array, snapshots);
  });
  const entries = byVolume.flat();
  settleStatuses(entries);
  return entries;
}

/** The journal's sets for a catalog of these instances: one instance's, or every set. */
function journalSetsOf(rt: Runtime, instances: InstanceSnapshots[]): Promise<SetRecord[]> {
  return instances.length === 1 ? rt.journal().listSets({ instanceId: instances[0]!.instance.id }) : rt.journal().listSets();
}

/** Every (instance, volume) on an array, in inventory order. */
function arrayVolumesOf(instances: InstanceSnapshots[]): ArrayVolume[] {
  const out: ArrayVolume[] = [];
  for (const { instance, volumes } of instances) for (const volume of volumes) if (volume.array) out.push({ instance, volume, array: volume.array });
  return out;
}

/**
 * One listStorageSnapshots per filesystem (a multi-attached volume is listed once for all its users),
 * LIST_CONCURRENCY at a time, in first-use order; `onList` gets the filesystem, its snapshots and the
 * positions in `volumes` of the volumes on it.
 */
async function forEachFilesystem(
  rt: Runtime,
  volumes: ArrayVolume[],
  signal: AbortSignal | undefined,
  onList: (fs: ArrayVolume, snapshots: ArraySnapshotInfo[], users: number[]) => void,
): Promise<void> {
  // Positions by array and filesystem, in first-use order (a multi-attached volume's filesystem once).
  const byArray = new Map<string, Map<string, number[]>>();
  const users: number[][] = [];
  volumes.forEach((v, i) => {
    let onArray = byArray.get(v.array.name);
    if (!onArray) byArray.set(v.array.name, (onArray = new Map<string, number[]>()));
    const list = onArray.get(v.array.fsId);
    if (list) list.push(i);
    else {
      const first = [i];
      onArray.set(v.array.fsId, first);
      users.push(first);
    }
  });
  await forEachLimited(users, LIST_CONCURRENCY, async (positions) => {
    const fs = volumes[positions[0]!]!;
    const snapshots = await rt.array(fs.array.name).listStorageSnapshots({ fsId: fs.array.fsId, ...(signal ? { signal } : {}) });
    onList(fs, snapshots, positions);
  });
}
