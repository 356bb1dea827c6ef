import type { SnapshotEntry } from '../engine/catalog.js';
import type { SetRecord } from '../journal/types.js';
import type { RetentionSet, RetentionSetState } from './retention.js';

/**
 * The retention planner's view of every set of the given instances, from the journal checked against the
 * array (the catalog of `list`). Pure. A set's policy comes from the journal only: a set the journal does
 * not know is never a policy's, so retention never prunes it.
 *
 * - journal `complete`: `complete` when every member it created is on the array, `incomplete` when only
 *   some are, `deleted` when none is (nothing left to keep or prune);
 * - journal `creating` / `failed`: as they are;
 * - journal `deleted` but something still on the array: `incomplete` (kept, shown, never pruned);
 * - a ccsnap-named set the journal does not know: a manual set (`policy: null`), complete when all k-of-n
 *   members are on the array; foreign snapshots (not ccsnap's) are no sets at all.
 * `hasClones`: any of the set's snapshots on the array has clones.
 */
export function retentionSetsFromCatalog(journalSets: SetRecord[], entries: SnapshotEntry[]): RetentionSet[] {
  const onArray = new Map<string, SnapshotEntry[]>();
  for (const e of entries) {
    if (!e.setId || !e.onArray) continue;
    const list = onArray.get(e.setId) ?? [];
    list.push(e);
    onArray.set(e.setId, list);
  }
  const known = new Set(journalSets.map((s) => s.id));
  const fromJournal = journalSets.map((set) => journalSet(set, onArray.get(set.id) ?? []));
  const unknown = [...onArray.entries()].filter(([id]) => !known.has(id)).map(([id, list]) => arrayOnlySet(id, list));
  return [...fromJournal, ...unknown];
}

function journalSet(set: SetRecord, present: SnapshotEntry[]): RetentionSet {
  return {
    id: set.id,
    instanceId: set.instanceId,
    policy: set.policy,
    createdAt: set.createdAt,
    state: stateOf(set, present),
    hasClones: present.some((e) => e.clones > 0),
  };
}

function stateOf(set: SetRecord, present: SnapshotEntry[]): RetentionSetState {
  if (set.state === 'creating' || set.state === 'failed') return set.state;
  if (set.state === 'deleted') return present.length > 0 ? 'incomplete' : 'deleted';
  const created = set.members.filter((m) => m.state === 'created').map((m) => m.snapshotName);
  const names = new Set(present.map((e) => e.name));
  const left = created.filter((n) => names.has(n)).length;
  if (left === 0) return 'deleted';
  return left === created.length ? 'complete' : 'incomplete';
}

function arrayOnlySet(id: string, present: SnapshotEntry[]): RetentionSet {
  const first = present[0]!;
  const total = first.total ?? 0;
  const indexes = new Set(present.map((e) => e.index));
  const whole = total > 0 && Array.from({ length: total }, (_, i) => i + 1).every((k) => indexes.has(k));
  return {
    id,
    instanceId: first.instance.id,
    policy: null,
    createdAt: first.created ?? '',
    state: whole ? 'complete' : 'incomplete',
    hasClones: present.some((e) => e.clones > 0),
  };
}
