import type { SetFilter } from '../port.js';
import type { SetRecord } from '../types.js';
import { toMember, toSet } from '../rows.js';
import type { Db } from './open.js';
import { newestFirst, whereOf } from './set-filter.js';

/** One set as the JSON query writes it: its columns in this order, then its members (rowid order). */
type JsonSet = [
  id: string,
  instanceId: string,
  instanceName: string,
  label: string | null,
  createdAt: string,
  state: string,
  consistency: string | null,
  reason: string | null,
  frozenMs: number | null,
  thawedBy: string | null,
  opId: string,
  stepsJson: string | null,
  policy: string | null,
  occurrence: string | null,
  members: JsonMember[],
];
type JsonMember = [volumeId: string, arrayName: string, fsId: string, snapshotName: string, path: string | null, state: string, error: string | null];

/**
 * The sets a filter selects, each with its members, as one JSON text SQLite writes: one string, which the
 * reader thread hands over whole, and which V8 parses much faster than better-sqlite3 turns 10⁵ rows into
 * values (most of a list's journal time). The members' array comes from a subquery, in rowid order.
 */
export function setsJsonQuery(filter: SetFilter): { sql: string; args: unknown[] } {
  const { cond, args } = whereOf(filter);
  const steps = filter.withSteps === false ? 'NULL' : 'steps_json';
  const members =
    '(SELECT json_group_array(json_array(m.volume_id, m.array_name, m.fs_id, m.snapshot_name, m.path, m.state, m.error) ORDER BY m.rowid) FROM members m WHERE m.set_id = sets.id)';
  const columns = `id, instance_id, instance_name, label, created_at, state, consistency, reason, frozen_ms, thawed_by, op_id, ${steps}, policy, occurrence`;
  return { sql: `SELECT json_group_array(json_array(${columns}, ${members})) FROM sets${cond ? ` WHERE ${cond}` : ''}`, args };
}

/** Runs the JSON query of `filter` on `db` (the reader thread's connection). */
export function readSetsJson(db: Db, filter: SetFilter): string {
  const { sql, args } = setsJsonQuery(filter);
  return db
    .prepare(sql)
    .pluck()
    .get(...args) as string;
}

/** The records of a JSON text of `setsJsonQuery`, in listSets' order. */
export function setsFromJson(text: string): SetRecord[] {
  const sets = (JSON.parse(text) as JsonSet[]).map(toRecord);
  return sets.sort(newestFirst);
}

function toRecord(s: JsonSet): SetRecord {
  const [id, instanceId, instanceName, label, createdAt, state, consistency, reason, frozenMs, thawedBy, opId, stepsJson, policy, occurrence] = s;
  const members = s[14].map(([volumeId, arrayName, fsId, snapshotName, path, memberState, error]) =>
    toMember({ set_id: id, volume_id: volumeId, array_name: arrayName, fs_id: fsId, snapshot_name: snapshotName, path, state: memberState, error }),
  );
  const row = {
    id,
    instance_id: instanceId,
    instance_name: instanceName,
    label,
    created_at: createdAt,
    state,
    consistency,
    reason,
    frozen_ms: frozenMs,
    thawed_by: thawedBy,
    op_id: opId,
    steps_json: stepsJson,
    policy,
    occurrence,
  };
  return toSet(row, members);
}
