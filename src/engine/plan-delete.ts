import { CcsnapError } from '../errors.js';
import type { SetRecord } from '../journal/types.js';
import type { SnapshotEntry } from './catalog.js';
import type { InstanceInfo } from './ports.js';

export interface DeleteSelection {
  /** Set ids, foreign snapshot names, or snapshot paths. */
  refs: string[];
  keepLast?: number;
  olderThanMs?: number;
  now: Date;
  /**
   * The journal's sets of this instance, in any state: a named set the journal knows but that has nothing
   * left on the array (deleted before, by ccsnap or behind its back) is deleted again as a no-op.
   */
  journalSets?: SetRecord[];
}

export interface PlannedDeletion {
  setId: string | null;
  volumeId: string;
  arrayName: string;
  fsId: string;
  name: string;
  path: string | null;
  /** False when only the journal still knows it (already gone on the array): deleting is a no-op. */
  onArray: boolean;
}

export interface DeletePlan {
  kind: 'delete';
  instance: InstanceInfo;
  deletions: PlannedDeletion[];
  /** The sets (or foreign names) selected, with why. */
  selected: Array<{ ref: string; why: string }>;
  /** With an age (--older-than): sets created before this time (ISO 8601) are pruned. */
  cutoff?: string;
}

/** Chooses which snapshots of ONE instance to delete; refuses snapshots with clones. Pure. */
export function planDelete(instance: InstanceInfo, entries: SnapshotEntry[], sel: DeleteSelection): DeletePlan {
  const mine = entries.filter((e) => e.instance.id === instance.id);
  const selected: DeletePlan['selected'] = [];
  const chosen = new Set<SnapshotEntry>();
  for (const ref of sel.refs) {
    const hits = mine.filter((e) => e.setId === ref || e.name === ref || e.path === ref);
    const gone = hits.length === 0 ? goneSet(instance, sel.journalSets ?? [], ref) : [];
    if (gone.length) {
      gone.forEach((g) => chosen.add(g));
      selected.push({ ref, why: 'named (already deleted)' });
      continue;
    }
    if (hits.length === 0) {
      throw new CcsnapError('CCSNAP_SET_NOT_FOUND', `no snapshot set or snapshot "${ref}" on the volumes of instance ${instance.name}; nothing was deleted`, {
        details: { ref, instance: instance.id },
      });
    }
    hits.forEach((h) => chosen.add(h));
    selected.push({ ref, why: 'named' });
  }
  if (sel.keepLast !== undefined || sel.olderThanMs !== undefined) {
    for (const setId of pruneSets(mine, sel)) {
      mine.filter((e) => e.setId === setId).forEach((h) => chosen.add(h));
      selected.push({ ref: setId, why: pruneReason(sel) });
    }
  }
  const deletions = [...chosen].map((e) => ({
    setId: e.setId,
    volumeId: e.volumeId,
    arrayName: e.arrayName,
    fsId: e.fsId,
    name: e.name,
    path: e.path,
    onArray: e.onArray,
  }));
  const cloned = [...chosen].filter((e) => e.onArray && e.clones > 0);
  if (cloned.length) {
    throw new CcsnapError(
      'CCSNAP_ARRAY_HAS_CLONES',
      `snapshot(s) ${cloned.map((c) => c.path).join(', ')} have clones and cannot be deleted; nothing was deleted`,
      { details: { cloned: cloned.map((c) => c.path) } },
    );
  }
  return { kind: 'delete', instance, deletions, selected, ...(sel.olderThanMs !== undefined ? { cutoff: cutoffOf(sel).toISOString() } : {}) };
}

/** A set of this instance only the journal still knows (nothing of it on the array): its members, as absent. */
function goneSet(instance: InstanceInfo, journalSets: SetRecord[], ref: string): SnapshotEntry[] {
  const set = journalSets.find((s) => s.id === ref && s.instanceId === instance.id);
  if (!set) return [];
  return set.members.map((m) => ({
    instance,
    volumeId: m.volumeId,
    arrayName: m.arrayName,
    fsId: m.fsId,
    name: m.snapshotName,
    path: m.path,
    clones: 0,
    setId: set.id,
    index: null,
    total: null,
    created: set.createdAt,
    onArray: false,
    journal: set,
  }));
}

/** ccsnap sets (never foreign snapshots) to prune: beyond the newest N and/or older than the age. */
function pruneSets(entries: SnapshotEntry[], sel: DeleteSelection): string[] {
  const created = new Map<string, number>();
  // Position of each set's snapshot on each filesystem (the array lists oldest first): breaks ties of equal times.
  const positions = new Map<string, Map<string, number>>();
  const seenOnFs = new Map<string, number>();
  for (const e of entries) {
    const position = e.onArray ? (seenOnFs.get(e.fsId) ?? 0) : -1;
    if (e.onArray) seenOnFs.set(e.fsId, position + 1);
    if (!e.setId || !e.created) continue;
    created.set(e.setId, Date.parse(e.created));
    if (position >= 0) positions.set(e.setId, (positions.get(e.setId) ?? new Map<string, number>()).set(e.fsId, position));
  }
  const newer = (a: string, b: string): number => {
    const byTime = created.get(b)! - created.get(a)!;
    if (byTime !== 0) return byTime;
    const pa = positions.get(a);
    const pb = positions.get(b);
    const fs = pa && pb ? [...pa.keys()].find((k) => pb.has(k)) : undefined;
    return fs ? pb!.get(fs)! - pa!.get(fs)! : a.localeCompare(b);
  };
  const newestFirst = [...created.keys()].sort(newer);
  return newestFirst.filter((id, i) => {
    const beyondKeep = sel.keepLast === undefined || i >= sel.keepLast;
    const old = sel.olderThanMs === undefined || created.get(id)! < cutoffOf(sel).getTime();
    return beyondKeep && old;
  });
}

/** The prune cut-off: sets created before it are old enough. */
function cutoffOf(sel: DeleteSelection): Date {
  return new Date(sel.now.getTime() - (sel.olderThanMs ?? 0));
}

function pruneReason(sel: DeleteSelection): string {
  const parts: string[] = [];
  if (sel.keepLast !== undefined) parts.push(`beyond the newest ${sel.keepLast}`);
  if (sel.olderThanMs !== undefined) parts.push(`created before ${cutoffOf(sel).toISOString()}`);
  return `pruned: ${parts.join(' and ')}`;
}
