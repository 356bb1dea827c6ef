import { CcsnapError } from '../../errors.js';
import type { MemberChange, NewSet, SetFilter, SetOutcome } from '../port.js';
import type { SetRecord } from '../types.js';
import { toMember, toSet, type MemberRow, type SetRow } from '../rows.js';
import { Where, type Db } from './db.js';
import { inTransaction } from './tx.js';

/** A set row's columns, with NULL for its steps (listSets with `withSteps: false`). */
const SET_COLUMNS_WITHOUT_STEPS =
  's.id, s.instance_id, s.instance_name, s.label, s.created_at, s.state, s.consistency, s.reason, s.frozen_ms, s.thawed_by, s.op_id, NULL AS steps_json, s.policy, s.occurrence';

/** Newest first; text compared byte by byte (COLLATE "C"), as SQLite does, whatever the database's collation. */
const SET_ORDER = 'ORDER BY created_at COLLATE "C" DESC, id COLLATE "C"';

/** Records a set and its members as pending, in one transaction, before anything is created on the array. */
export async function insertSet(db: Db, set: NewSet): Promise<void> {
  const policy = set.policy ?? null;
  const occurrence = set.occurrence ?? null;
  if ((policy === null) !== (occurrence === null)) {
    throw new CcsnapError('CCSNAP_INTERNAL', `set ${set.id}: a policy set records both its policy and its occurrence`);
  }
  await inTransaction(db.pool, async (client) => {
    await client.query(
      `INSERT INTO ccsnap.sets (id, instance_id, instance_name, label, created_at, state, op_id, policy, occurrence)
       VALUES ($1, $2, $3, $4, $5, 'creating', $6, $7, $8)`,
      [set.id, set.instanceId, set.instanceName, set.label, set.createdAt, set.opId, policy, occurrence],
    );
    if (set.members.length === 0) return;
    // One statement for all members, in their order (unnest keeps it: WITH ORDINALITY).
    await client.query(
      `INSERT INTO ccsnap.members (set_id, volume_id, array_name, fs_id, snapshot_name, state)
       SELECT $1, v, a, f, s, 'pending' FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS m(v, a, f, s, n) ORDER BY n`,
      [set.id, set.members.map((m) => m.volumeId), set.members.map((m) => m.arrayName), set.members.map((m) => m.fsId), set.members.map((m) => m.snapshotName)],
    );
  });
}

export async function updateMember(db: Db, setId: string, volumeId: string, change: MemberChange): Promise<void> {
  await db.pool.query('UPDATE ccsnap.members SET state = $1, path = COALESCE($2, path), error = $3 WHERE set_id = $4 AND volume_id = $5', [
    change.state,
    change.path ?? null,
    change.error ?? null,
    setId,
    volumeId,
  ]);
}

export async function finishSet(db: Db, setId: string, outcome: SetOutcome): Promise<void> {
  await db.pool.query(
    `UPDATE ccsnap.sets SET state = $1, consistency = COALESCE($2, consistency), reason = $3, frozen_ms = COALESCE($4, frozen_ms),
       thawed_by = COALESCE($5, thawed_by), steps_json = COALESCE($6, steps_json) WHERE id = $7`,
    [
      outcome.state,
      outcome.consistency ?? null,
      outcome.reason ?? null,
      outcome.frozenMs ?? null,
      outcome.thawedBy ?? null,
      outcome.steps ? JSON.stringify(outcome.steps) : null,
      setId,
    ],
  );
}

export async function getSet(db: Db, setId: string): Promise<SetRecord | undefined> {
  return (await selectSets(db, new Where().add('id = ?', setId)))[0];
}

/** Sets of one instance (or all), newest first, with their members (read with the sets, not one query per set). */
export async function listSets(db: Db, filter: SetFilter = {}): Promise<SetRecord[]> {
  const where = new Where();
  if (filter.instanceId) where.add('instance_id = ?', filter.instanceId);
  if (filter.volumeIds) where.add('id IN (SELECT v.set_id FROM ccsnap.members v WHERE v.volume_id = ANY(?))', [...filter.volumeIds]);
  if (filter.states?.length) where.add('state = ANY(?)', filter.states);
  if (filter.policy) where.add('policy = ?', filter.policy);
  if (filter.occurrence) where.add('occurrence = ?', filter.occurrence);
  return selectSets(db, where, filter.withSteps !== false);
}

export async function listSetsOfOperation(db: Db, opId: string): Promise<SetRecord[]> {
  return selectSets(db, new Where().add('op_id = ?', opId));
}

/** The sets `where` selects with their members, in one statement (one snapshot, one round trip). */
async function selectSets(db: Db, where: Where, withSteps = true): Promise<SetRecord[]> {
  const { rows } = await db.pool.query<SetRow & { members: MemberRow[] }>(
    `SELECT ${withSteps ? 's.*' : SET_COLUMNS_WITHOUT_STEPS}, COALESCE((SELECT json_agg(m ORDER BY m.seq) FROM ccsnap.members m WHERE m.set_id = s.id), '[]') AS members
     FROM ccsnap.sets s ${where.toString()} ${SET_ORDER}`,
    where.args,
  );
  return rows.map((r) =>
    toSet(
      r,
      r.members.map((m) => toMember(m)),
    ),
  );
}

/**
 * Records that an array snapshot is gone: its member becomes `deleted`, and a set with nothing left on the
 * array becomes `deleted`, in one transaction (the set's row is locked, so two of its snapshots gone at once
 * on two workers still end with the set deleted). Unknown names are ignored.
 */
export async function markSnapshotGone(db: Db, snapshotName: string): Promise<void> {
  await inTransaction(db.pool, async (client) => {
    const gone = await client.query<{ set_id: string }>("UPDATE ccsnap.members SET state = 'deleted' WHERE snapshot_name = $1 RETURNING set_id", [
      snapshotName,
    ]);
    const setIds = [...new Set(gone.rows.map((r) => r.set_id))];
    if (setIds.length === 0) return;
    await client.query('SELECT id FROM ccsnap.sets WHERE id = ANY($1) ORDER BY id FOR UPDATE', [setIds]);
    await client.query(
      `UPDATE ccsnap.sets s SET state = 'deleted' WHERE s.id = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM ccsnap.members m WHERE m.set_id = s.id AND m.state NOT IN ('deleted', 'failed'))`,
      [setIds],
    );
  });
}
