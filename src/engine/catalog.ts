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

/** An entry with its drift/ownership status (the list's Status column). */
export interface ListedSnapshot extends SnapshotEntry {
  status: string;
}

/** What the catalog needs of the journal's sets, indexed once for every volume. */
export interface JournalIndex {
  /** Every set by id, made on first use: most snapshots are found among their volume's created members. */
  setById(id: string): SetRecord | undefined;
  /** Members of complete sets the journal records as created, by volume id (in the journal's set order). */
  createdByVolume: Map<string, CreatedMembers>;
}

type Member = SetRecord['members'][number];

/** A volume's created members and their sets, side by side (no pair object per member: 10⁵ of them add up). */
interface CreatedMembers {
  members: Member[];
  sets: SetRecord[];
}

export function indexJournal(journalSets: SetRecord[]): JournalIndex {
  let byId: Map<string, SetRecord> | undefined;
  return {
    setById: (id) => (byId ??= new Map(journalSets.map((s) => [s.id, s]))).get(id),
    createdByVolume: createdMembersByVolume(journalSets),
  };
}

/**
 * Merges the array's truth (snapshots per filesystem) with the journal's sets. Snapshots the
 * journal knows as created but the array lacks are kept (onArray=false) so drift is visible.
 */
export function catalogSnapshots(instances: InstanceSnapshots[], snapshotsByFs: Map<string, ArraySnapshotInfo[]>, journalSets: SetRecord[]): ListedSnapshot[] {
  const journal = indexJournal(journalSets);
  const entries: ListedSnapshot[] = [];
  for (const { instance, volumes } of instances) {
    for (const v of volumes) {
      if (v.array) entries.push(...catalogVolume(journal, instance, v, v.array, snapshotsByFs.get(v.array.fsId) ?? []));
    }
  }
  settleStatuses(entries);
  return entries;
}

/**
 * The entries of one array volume: its snapshots as the array lists them (oldest first), then the
 * members the journal records as created that the array lacks. A snapshot the journal knows shares the
 * journal's strings for its name and path (one copy of each in a list of 10⁵ snapshots, not two).
 * Their status is '' until `settleStatuses` has seen every entry of the list.
 */
export function catalogVolume(
  journal: JournalIndex,
  instance: InstanceInfo,
  v: VolumeInfo,
  array: { name: string; fsId: string },
  snapshots: ArraySnapshotInfo[],
): ListedSnapshot[] {
  const entries: ListedSnapshot[] = [];
  const created = journal.createdByVolume.get(v.id) ?? NO_MEMBERS;
  const matched: Member[] = [];
  for (const snap of snapshots) {
    const parsed = parseSnapshotName(snap.name);
    // Most snapshots are this volume's created members: found among them without a lookup in every set.
    const at = parsed ? created.members.findIndex((m) => m.snapshotName === snap.name && m.setId === parsed.setId) : -1;
    const set = at >= 0 ? created.sets[at] : parsed ? journal.setById(parsed.setId) : undefined;
    const member = at >= 0 ? created.members[at] : set?.members.find((m) => m.snapshotName === snap.name);
    if (member) matched.push(member);
    entries.push({
      instance,
      volumeId: v.id,
      arrayName: array.name,
      fsId: array.fsId,
      name: member ? member.snapshotName : snap.name,
      path: member && member.path === snap.path ? member.path : snap.path,
      clones: snap.clones,
      setId: set ? set.id : (parsed?.setId ?? null),
      index: parsed?.index ?? null,
      total: parsed?.total ?? null,
      // The journal's time (ms) when it knows the set, so every member of a set (on the array or not) shows the same time.
      created: set?.createdAt ?? parsed?.createdAt.toISOString() ?? arrayTimestampToIso(snap.timestamp),
      onArray: true,
      journal: set,
      status: '',
    });
  }
  created.members.forEach((m, i) => {
    // On the array (a volume has a few dozen snapshots: a scan beats building a set of names per volume).
    if (matched.includes(m) || snapshots.some((snap) => snap.name === m.snapshotName)) return;
    const set = created.sets[i]!;
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
      status: '',
    });
  });
  return entries;
}

const NO_MEMBERS: CreatedMembers = { members: [], sets: [] };

/** Members of complete sets the journal records as created, by volume id (in the journal's set order). */
function createdMembersByVolume(journalSets: SetRecord[]): JournalIndex['createdByVolume'] {
  const byVolume: JournalIndex['createdByVolume'] = new Map();
  for (const set of journalSets) {
    if (set.state !== 'complete') continue;
    for (const m of set.members) {
      if (m.state !== 'created') continue;
      const list = byVolume.get(m.volumeId);
      if (list) {
        list.members.push(m);
        list.sets.push(set);
      } else byVolume.set(m.volumeId, { members: [m], sets: [set] });
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

/** What an instance's statuses need of the list's entries: the volumes they are on, and the on-array snapshots per set. */
interface InstanceSiblings {
  volumes: Set<string>;
  onArray: Map<string, number>;
}

/** Per instance id, counted once per list (a list of 10⁵ entries is asked 10⁵ times). */
type Siblings = Map<string, InstanceSiblings>;

const siblingsOf = new WeakMap<SnapshotEntry[], { length: number; siblings: Siblings }>();

/**
 * A set's snapshots on the array are counted under each instance that lists them: a volume shared with (or
 * moved from) another instance holds that instance's sets, and under this one only their members on its own
 * volumes are expected (under their own instance, all of them).
 */
function countSiblings(all: SnapshotEntry[]): Siblings {
  const siblings: Siblings = new Map();
  for (const e of all) {
    let mine = siblings.get(e.instance.id);
    if (!mine) siblings.set(e.instance.id, (mine = { volumes: new Set(), onArray: new Map() }));
    mine.volumes.add(e.volumeId);
    if (e.setId && e.onArray) mine.onArray.set(e.setId, (mine.onArray.get(e.setId) ?? 0) + 1);
  }
  return siblings;
}

/** The drift/ownership status of an entry, for the list's Status column (`all`: the entries it was listed with). */
export function entryStatus(entry: SnapshotEntry, all: SnapshotEntry[]): string {
  const cached = siblingsOf.get(all);
  const siblings = cached && cached.length === all.length ? cached.siblings : countSiblings(all);
  if (siblings !== cached?.siblings) siblingsOf.set(all, { length: all.length, siblings });
  return statusOf(entry, siblings.get(entry.instance.id));
}

/** Sets every entry's status, against all of them (the counts are not kept with the list). */
export function settleStatuses(entries: ListedSnapshot[]): void {
  const siblings = countSiblings(entries);
  for (const e of entries) e.status = statusOf(e, siblings.get(e.instance.id));
}

/** How many of the entry's set's snapshots its instance should see on the array: all of them, or (another instance's set) those on its volumes. */
function expectedSiblings(entry: SnapshotEntry, mine: InstanceSiblings | undefined): number | null {
  const set = entry.journal;
  if (!set || set.instanceId === entry.instance.id || entry.total === null) return entry.total;
  return set.members.filter((m) => mine?.volumes.has(m.volumeId)).length;
}

/** `mine`: the counts of the entry's instance. */
function statusOf(entry: SnapshotEntry, mine: InstanceSiblings | undefined): string {
  if (!entry.setId) return 'foreign';
  if (!entry.onArray) return 'missing-on-array';
  const expected = expectedSiblings(entry, mine);
  if (expected !== null && (mine?.onArray.get(entry.setId) ?? 0) < expected) return 'incomplete';
  if (!entry.journal) return 'not-in-journal';
  if (entry.journal.state === 'deleted') return 'deleted-in-journal';
  // A set the journal failed (and could not fully clean up) left this snapshot behind.
  if (entry.journal.state === 'failed') return 'orphan';
  if (entry.journal.state === 'creating') return 'in-progress';
  return 'ok';
}
