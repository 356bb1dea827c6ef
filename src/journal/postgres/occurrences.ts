import type { NewOccurrence, OccurrenceFilter, OccurrenceOutcome, OccurrenceOwner } from '../port.js';
import type { OccurrenceRecord, OccurrenceState } from '../types.js';
import { isoOf, jsonOrNull, parseJson, Where, type Db } from './db.js';
import { joinOwner, ownerAliveSql } from './owners.js';
import { NEW_OCCURRENCE_COLUMNS, newOccurrenceValues } from '../rows.js';

interface OccurrenceRow {
  policy: string;
  occurrence: string;
  scheduled_at: string;
  state: string;
  reason: string | null;
  pid: number | null;
  hostname: string | null;
  owner_id: string | null;
  owner_alive: boolean | null;
  recorded_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  result_json: string | null;
}

const SELECT = `SELECT oc.*, ${ownerAliveSql('oc')} FROM ccsnap.occurrences oc ${joinOwner('oc')}`;

/** Records the occurrence unless (policy, occurrence) is already there, in one statement: true when this call recorded it. */
export async function recordOccurrence(db: Db, o: NewOccurrence): Promise<boolean> {
  const values = newOccurrenceValues(o, db.owner, new Date());
  const { rowCount } = await db.pool.query(
    `INSERT INTO ccsnap.occurrences (${NEW_OCCURRENCE_COLUMNS}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT (policy, occurrence) DO NOTHING`,
    values,
  );
  return rowCount === 1;
}

/** due → running for this owner, as one conditional UPDATE: of any number of workers, exactly one gets true. */
export async function startOccurrence(db: Db, policy: string, occurrence: string): Promise<boolean> {
  const { rowCount } = await db.pool.query(
    `UPDATE ccsnap.occurrences SET state = 'running', pid = $1, hostname = $2, owner_id = $3, started_at = $4
     WHERE policy = $5 AND occurrence = $6 AND state = 'due'`,
    [db.owner.pid, db.owner.hostname, db.owner.id, new Date(), policy, occurrence],
  );
  return rowCount === 1;
}

/**
 * running → running owned by this owner; with `from`, a compare-and-set in one statement: only while that
 * owner (pid and hostname, and its owner id when given) still holds it.
 */
export async function adoptOccurrence(db: Db, policy: string, occurrence: string, from?: OccurrenceOwner): Promise<boolean> {
  const args: unknown[] = [db.owner.pid, db.owner.hostname, db.owner.id, policy, occurrence];
  let cas = '';
  if (from) {
    args.push(from.pid, from.hostname);
    cas = ' AND pid IS NOT DISTINCT FROM $6 AND hostname IS NOT DISTINCT FROM $7';
    if (from.ownerId !== undefined) {
      args.push(from.ownerId);
      cas += ' AND owner_id IS NOT DISTINCT FROM $8::uuid';
    }
  }
  const { rowCount } = await db.pool.query(
    `UPDATE ccsnap.occurrences SET pid = $1, hostname = $2, owner_id = $3 WHERE policy = $4 AND occurrence = $5 AND state = 'running'${cas}`,
    args,
  );
  return rowCount === 1;
}

export async function finishOccurrence(db: Db, policy: string, occurrence: string, outcome: OccurrenceOutcome): Promise<void> {
  await db.pool.query('UPDATE ccsnap.occurrences SET state = $1, reason = $2, result_json = $3, finished_at = $4 WHERE policy = $5 AND occurrence = $6', [
    outcome.state,
    outcome.reason ?? null,
    jsonOrNull(outcome.result),
    new Date(),
    policy,
    occurrence,
  ]);
}

export async function getOccurrence(db: Db, policy: string, occurrence: string): Promise<OccurrenceRecord | undefined> {
  const { rows } = await db.pool.query<OccurrenceRow>(`${SELECT} WHERE oc.policy = $1 AND oc.occurrence = $2`, [policy, occurrence]);
  return rows[0] && toOccurrence(rows[0]);
}

/** Newest scheduled first. */
export async function listOccurrences(db: Db, filter: OccurrenceFilter = {}): Promise<OccurrenceRecord[]> {
  const where = new Where();
  if (filter.policy) where.add('oc.policy = ?', filter.policy);
  if (filter.states?.length) where.add('oc.state = ANY(?)', filter.states);
  const limit = filter.limit !== undefined ? ` LIMIT ${where.param(Math.max(0, Math.floor(filter.limit)))}` : '';
  const { rows } = await db.pool.query<OccurrenceRow>(
    `${SELECT} ${where.toString()} ORDER BY oc.scheduled_at COLLATE "C" DESC, oc.policy COLLATE "C"${limit}`,
    where.args,
  );
  return rows.map(toOccurrence);
}

function toOccurrence(row: OccurrenceRow): OccurrenceRecord {
  return {
    policy: row.policy,
    occurrence: row.occurrence,
    scheduledAt: row.scheduled_at,
    state: row.state as OccurrenceState,
    reason: row.reason,
    pid: row.pid,
    hostname: row.hostname,
    ownerId: row.owner_id,
    ownerAlive: row.owner_alive,
    recordedAt: row.recorded_at.toISOString(),
    startedAt: isoOf(row.started_at),
    finishedAt: isoOf(row.finished_at),
    result: parseJson(row.result_json),
  };
}
