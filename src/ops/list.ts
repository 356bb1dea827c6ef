import { catalogVolume, indexJournal, settleStatuses, type InstanceSnapshots, type JournalIndex } from '../engine/catalog.js';
import type { ArraySnapshotInfo } from '../engine/ports.js';
import type { Runtime } from '../runtime.js';
import { mapOrdered } from '../util/ordered.js';
import { gatherInventory } from './inventory.js';
import type { ListedSnapshot } from './snapshots.js';

export interface ListRequest {
  /** One instance (id or name); all instances when absent. */
  instance?: string;
  signal?: AbortSignal;
}

/** Instances whose snapshot lists are in flight beyond the one being handed out (≈ 2 requests each). */
const INSTANCES_AHEAD = 16;
/** Instances per read of the journal: one query for their volumes' sets, not one per instance, nor every set at once. */
const JOURNAL_BATCH = 16;

/**
 * `ccsnap list [INSTANCE]` as a stream: the inventory (ops/inventory: the paged server and volume lists, or one
 * instance's server and volumes; one listFileSystem per array), then each instance's entries in turn, ordered by instance name (then id), each instance's newest
 * first. Its snapshot lists (one listStorageSnapshots per array volume) are fetched a few instances ahead, and
 * the journal is read a batch of instances at a time, so memory stays bounded whatever the number of
 * instances: a consumer that writes each instance's rows out never holds the whole list. Instances without
 * any array snapshot yield nothing.
 */
export async function* streamSnapshots(rt: Runtime, req: ListRequest = {}): AsyncGenerator<ListedSnapshot[], void, undefined> {
  rt.requireArrays();
  // Only the instances are kept: Nova's servers are garbage before the snapshot lists come.
  const { instances } = await gatherInventory(rt, req);
  instances.sort((a, b) => cmp(a.instance.name, b.instance.name) || cmp(a.instance.id, b.instance.id));
  const journal = journalBatches(rt, instances);
  const lists = snapshotLists(rt, instances);
  const catalogAt = async (entry: InstanceSnapshots, i: number, signal: AbortSignal): Promise<ListedSnapshot[]> =>
    catalogInstance(entry, await journal(i), (array) => lists(array, signal));
  for await (const entries of mapOrdered(instances, INSTANCES_AHEAD, catalogAt, req.signal)) if (entries.length > 0) yield entries;
}

/** Every entry of `streamSnapshots`, in its order (the whole list in memory: prefer the stream for big clouds). */
export async function listSnapshots(rt: Runtime, req: ListRequest = {}): Promise<ListedSnapshot[]> {
  const all: ListedSnapshot[] = [];
  for await (const entries of streamSnapshots(rt, req)) for (const e of entries) all.push(e);
  return all;
}

/**
 * The journal's index for the instance at position `i`: the sets with a member on its batch's array volumes,
 * read on first use. By volume, not by instance: a volume another instance shares (or had before) holds that
 * instance's sets, and its snapshots are theirs, in the journal, wherever that instance is in the list. Only
 * the batch in use and the one before are kept (the stream reads the positions in order, a few ahead).
 */
function journalBatches(rt: Runtime, instances: InstanceSnapshots[]): (i: number) => Promise<JournalIndex> {
  const batches = new Map<number, Promise<JournalIndex>>();
  const read = (b: number): Promise<JournalIndex> => {
    let batch = batches.get(b);
    if (!batch) {
      const volumeIds = instances.slice(b * JOURNAL_BATCH, (b + 1) * JOURNAL_BATCH).flatMap((e) => e.volumes.flatMap((v) => (v.array ? [v.id] : [])));
      batch = rt.journal().listSets({ volumeIds, withSteps: false }).then(indexJournal);
      // Read but not yet used: a failed read is reported by the position that uses it.
      batch.catch(() => undefined);
      batches.set(b, batch);
    }
    return batch;
  };
  return (i) => {
    const b = Math.floor(i / JOURNAL_BATCH);
    const batch = read(b);
    // The next batch is read while this one is used (a journal on a reader thread reads it meanwhile).
    if ((b + 1) * JOURNAL_BATCH < instances.length) void read(b + 1);
    batches.delete(b - 2);
    return batch;
  };
}

type ArrayFs = { name: string; fsId: string };

const keyOf = (array: ArrayFs): string => `${array.name}\u0000${array.fsId}`;

/**
 * listStorageSnapshots of a filesystem, once per list: a filesystem several instances use (a multi-attached
 * volume) is asked for once, its answer kept until the last of them has had it.
 */
function snapshotLists(rt: Runtime, instances: InstanceSnapshots[]): (array: ArrayFs, signal: AbortSignal) => Promise<ArraySnapshotInfo[]> {
  const users = new Map<string, number>();
  for (const { volumes } of instances)
    for (const key of new Set(volumes.flatMap((v) => (v.array ? [keyOf(v.array)] : [])))) users.set(key, (users.get(key) ?? 0) + 1);
  const shared = new Map<string, Promise<ArraySnapshotInfo[]>>();
  return (array, signal) => {
    const key = keyOf(array);
    const left = (users.get(key) ?? 1) - 1;
    const fetch = (): Promise<ArraySnapshotInfo[]> => rt.array(array.name).listStorageSnapshots({ fsId: array.fsId, signal });
    if (left === 0 && !shared.has(key)) return fetch();
    const list = shared.get(key) ?? fetch();
    users.set(key, left);
    if (left === 0) shared.delete(key);
    else shared.set(key, list);
    return list;
  };
}

/** One instance's entries: its filesystems' snapshot lists merged with the journal, newest first. */
async function catalogInstance(
  { instance, volumes }: InstanceSnapshots,
  journal: JournalIndex,
  listOf: (array: ArrayFs) => Promise<ArraySnapshotInfo[]>,
): Promise<ListedSnapshot[]> {
  const onArray = volumes.flatMap((volume) => (volume.array ? [{ volume, array: volume.array }] : []));
  // A filesystem attached twice to this instance (a volume Nova and Cinder both list) is asked for once.
  const requests = new Map<string, Promise<ArraySnapshotInfo[]>>();
  for (const { array } of onArray) if (!requests.has(keyOf(array))) requests.set(keyOf(array), listOf(array));
  await Promise.all(requests.values());
  const entries: ListedSnapshot[] = [];
  for (const { volume, array } of onArray) for (const e of catalogVolume(journal, instance, volume, array, await requests.get(keyOf(array))!)) entries.push(e);
  settleStatuses(entries);
  return entries.sort((a, b) => cmp(b.created ?? '', a.created ?? '') || cmp(a.setId ?? a.name, b.setId ?? b.name) || (a.index ?? 0) - (b.index ?? 0));
}

/** Plain code-point order: stable across locales, and much cheaper than localeCompare on 10^5 rows. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
