import { parseSnapshotName } from './names.js';
import type { ArraySnapshotInfo, InstanceInfo, VolumeInfo } from './ports.js';
import type { SetRecord } from '../journal/types.js';

/** One array snapshot of one of an instance's volumes, with what ccsnap knows about it. */
export interface SnapshotEntry {
  instance: InstanceInfo;
  volumeId: string;
  arrayName: string;
  fsId: string;
  name: string;
  path: string | null;
  clones: number;
  /** ccsnap set id parsed from the name; null for snapshots made by other tools. */
  setId: string | null;
  /** Position in the set (k of n), from the name. */
  index: number | null;
  total: number | null;
  created: string | null;
  onArray: boolean;
  journal: SetRecord | undefined;
}

export interface InstanceSnapshots {
  instance: InstanceInfo;
  volumes: VolumeInfo[];
}

/**
 * Merges the array's truth (snapshots per filesystem) with the journal's sets. Snapshots the
 * journal knows as created but the array lacks are kept (onArray=false) so drift is visible.
 */
export function catalogSnapshots(instances: InstanceSnapshots[], snapshotsByFs: Map<string, ArraySnapshotInfo[]>, journalSets: SetRecord[]): SnapshotEntry[] {
  const setsById = new Map(journalSets.map((s) => [s.id, s]));
  const journalOnly = createdMembersByVolume(journalSets);
  const entries: SnapshotEntry[] = [];
  for (const { instance, volumes } of instances) {
    for (const v of volumes) {
      if (!v.array) continue;
      const seen = new Set<string>();
      for (const snap of snapshotsByFs.get(v.array.fsId) ?? []) {
        seen.add(snap.name);
        const parsed = parseSnapshotName(snap.name);
        const journal = parsed ? setsById.get(parsed.setId) : undefined;
        entries.push({
          instance,
          volumeId: v.id,
          arrayName: v.array.name,
          fsId: v.array.fsId,
          name: snap.name,
          path: snap.path,
          clones: snap.clones,
          setId: parsed?.setId ?? null,
          index: parsed?.index ?? null,
          total: parsed?.total ?? null,
          // The journal's time (ms) when it knows the set, so every member of a set (on the array or not) shows the same time.
          created: journal?.createdAt ?? parsed?.createdAt.toISOString() ?? arrayTimestampToIso(snap.timestamp),
          onArray: true,
          journal,
        });
      }
      for (const { set, m } of journalOnly.get(v.id) ?? []) {
        if (seen.has(m.snapshotName)) continue;
        const parsed = parseSnapshotName(m.snapshotName);
        entries.push({
          instance,
          volumeId: v.id,
          arrayName: m.arrayName,
          fsId: m.fsId,
          name: m.snapshotName,
          path: m.path,
          clones: 0,
          setId: set.id,
          index: parsed?.index ?? null,
          total: parsed?.total ?? null,
          created: set.createdAt,
          onArray: false,
          journal: set,
        });
      }
    }
  }
  return entries;
}

/** Members of complete sets the journal records as created, by volume id (in the journal's set order). */
function createdMembersByVolume(journalSets: SetRecord[]): Map<string, Array<{ set: SetRecord; m: SetRecord['members'][number] }>> {
  const byVolume = new Map<string, Array<{ set: SetRecord; m: SetRecord['members'][number] }>>();
  for (const set of journalSets) {
    if (set.state !== 'complete') continue;
    for (const m of set.members) {
      if (m.state !== 'created') continue;
      const list = byVolume.get(m.volumeId);
      if (list) list.push({ set, m });
      else byVolume.set(m.volumeId, [{ set, m }]);
    }
  }
  return byVolume;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The array's snapshot timestamp ("Thu Aug 25 2016 10:55", UTC) as ISO 8601, so it sorts and compares
 * with ccsnap's times; an unrecognised text is kept as is, an empty one is null.
 */
export function arrayTimestampToIso(timestamp: string): string | null {
  const m = /^\w{3} (\w{3}) (\d{1,2}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(timestamp.trim());
  const month = m ? MONTHS.indexOf(m[1]!) : -1;
  if (!m || month < 0) return timestamp.trim() || null;
  return new Date(Date.UTC(Number(m[3]), month, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0))).toISOString();
}

/** On-array snapshots per set id, counted once per entry list (a list of 100k entries is asked 100k times). */
const onArrayCounts = new WeakMap<SnapshotEntry[], { length: number; bySet: Map<string, number> }>();

function countOnArray(all: SnapshotEntry[]): Map<string, number> {
  const cached = onArrayCounts.get(all);
  if (cached && cached.length === all.length) return cached.bySet;
  const bySet = new Map<string, number>();
  for (const e of all) if (e.setId && e.onArray) bySet.set(e.setId, (bySet.get(e.setId) ?? 0) + 1);
  onArrayCounts.set(all, { length: all.length, bySet });
  return bySet;
}

/** The drift/ownership status of an entry, for the list's Status column (`all`: the entries it was listed with). */
export function entryStatus(entry: SnapshotEntry, all: SnapshotEntry[]): string {
  if (!entry.setId) return 'foreign';
  if (!entry.onArray) return 'missing-on-array';
  const siblings = countOnArray(all).get(entry.setId) ?? 0;
  if (entry.total !== null && siblings < entry.total) return 'incomplete';
  if (!entry.journal) return 'not-in-journal';
  if (entry.journal.state === 'deleted') return 'deleted-in-journal';
  // A set the journal failed (and could not fully clean up) left this snapshot behind.
  if (entry.journal.state === 'failed') return 'orphan';
  if (entry.journal.state === 'creating') return 'in-progress';
  return 'ok';
}
