import { catalogSnapshots, entryStatus, type InstanceSnapshots, type SnapshotEntry } from '../engine/catalog.js';
import type { ArraySnapshotInfo } from '../engine/ports.js';
import type { SetRecord } from '../journal/types.js';
import type { Runtime } from '../runtime.js';
import { mapLimited } from '../util/limit.js';

export interface ListedSnapshot extends SnapshotEntry {
  status: string;
}

/** listStorageSnapshots for every array volume of the given instances, bounded in parallel. */
export async function fetchSnapshotsByFs(rt: Runtime, instances: InstanceSnapshots[], signal?: AbortSignal): Promise<Map<string, ArraySnapshotInfo[]>> {
  const volumes = instances.flatMap((i) => i.volumes).filter((v) => v.array);
  const unique = [...new Map(volumes.map((v) => [v.array!.fsId, v.array!])).values()];
  const lists = await mapLimited(unique, 32, (a) => rt.array(a.name).listStorageSnapshots({ fsId: a.fsId, ...(signal ? { signal } : {}) }));
  return new Map(unique.map((a, i) => [a.fsId, lists[i]!]));
}

/**
 * Every snapshot of the instances' array volumes (the array's truth), with journal metadata and drift status.
 * `journalSets`: the journal's sets of these instances when the caller has read them already.
 */
export async function catalogFor(rt: Runtime, instances: InstanceSnapshots[], signal?: AbortSignal, journalSets?: SetRecord[]): Promise<ListedSnapshot[]> {
  const byFs = await fetchSnapshotsByFs(rt, instances, signal);
  const sets = journalSets ?? (instances.length === 1 ? await rt.journal().listSets({ instanceId: instances[0]!.instance.id }) : await rt.journal().listSets());
  const entries = catalogSnapshots(instances, byFs, sets);
  return entries.map((e) => ({ ...e, status: entryStatus(e, entries) }));
}
