import { CcsnapError } from '../errors.js';
import type { SnapshotEntry } from './catalog.js';
import type { InstanceInfo } from './ports.js';

export interface DeleteSelection {
  /** Set ids, foreign snapshot names, or snapshot paths. */
  refs: string[];
  keepLast?: number;
  olderThanMs?: number;
  now: Date;
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
}

/** Chooses which snapshots of ONE instance to delete; refuses snapshots with clones. Pure. */
export function planDelete(instance: InstanceInfo, entries: SnapshotEntry[], sel: DeleteSelection): DeletePlan {
  const mine = entries.filter((e) => e.instance.id === instance.id);
  const selected: DeletePlan['selected'] = [];
  const chosen = new Set<SnapshotEntry>();
  for (const ref of sel.refs) {
    const hits = mine.filter((e) => e.setId === ref || e.name === ref || e.path === ref);
    if (hits.length === 0) {
      throw new CcsnapError('CCSNAP_SET_NOT_FOUND', `no snapshot set or snapshot "${ref}" on the volumes of instance ${instance.name}; nothing was deleted`, { details: { ref, instance: instance.id } });
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
  const deletions = [...chosen].map((e) => ({ setId: e.setId, volumeId: e.volumeId, arrayName: e.arrayName, fsId: e.fsId, name: e.name, path: e.path, onArray: e.onArray }));
  const cloned = [...chosen].filter((e) => e.onArray && e.clones > 0);
  if (cloned.length) {
    throw new CcsnapError('CCSNAP_ARRAY_HAS_CLONES', `snapshot(s) ${cloned.map((c) => c.path).join(', ')} have clones and cannot be deleted; nothing was deleted`, { details: { cloned: cloned.map((c) => c.path) } });
  }
  return { kind: 'delete', instance, deletions, selected };
}

/** ccsnap sets (never foreign snapshots) to prune: beyond the newest N and/or older than the age. */
function pruneSets(entries: SnapshotEntry[], sel: DeleteSelection): string[] {
  const created = new Map<string, number>();
  for (const e of entries) {
    if (!e.setId || !e.created) continue;
    created.set(e.setId, Date.parse(e.created));
  }
  const newestFirst = [...created.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  return newestFirst.filter((id, i) => {
    const beyondKeep = sel.keepLast === undefined || i >= sel.keepLast;
    const old = sel.olderThanMs === undefined || created.get(id)! < sel.now.getTime() - sel.olderThanMs;
    return beyondKeep && old;
  });
}

function pruneReason(sel: DeleteSelection): string {
  const parts: string[] = [];
  if (sel.keepLast !== undefined) parts.push(`beyond the newest ${sel.keepLast}`);
  if (sel.olderThanMs !== undefined) parts.push(`older than ${Math.round(sel.olderThanMs / 1000)}s`);
  return `pruned: ${parts.join(' and ')}`;
}
