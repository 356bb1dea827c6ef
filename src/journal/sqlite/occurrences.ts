import type { NewOccurrence, OccurrenceFilter, OccurrenceOutcome, OccurrenceOwner } from '../port.js';
import type { OccurrenceRecord, OccurrenceState } from '../types.js';
import { NEW_OCCURRENCE_COLUMNS, newOccurrenceValues } from '../rows.js';
import type { Db } from './open.js';
import { ownerAlive, type Owner } from './owner.js';

interface OccurrenceRow {
  policy: string;
  occurrence: string;
  scheduled_at: string;
  state: string;
  reason: string | null;
  pid: number | null;
  hostname: string | null;
  owner_id: string | null;
  recorded_at: string;
  started_at: string | null;
  finished_at: string | null;
  result_json: string | null;
}

/**
 * Records the occurrence unless (policy, occurrence) is already there: true when this call recorded it. A
 * `running` one is recorded started by `owner`.
 */
export function recordOccurrence(db: Db, owner: Owner, o: NewOccurrence): boolean {
  const values = newOccurrenceValues(o, owner, new Date().toISOString());
  const info = db
    .prepare(`INSERT INTO occurrences (${NEW_OCCURRENCE_COLUMNS}) VALUES (${values.map(() => '?').join(', ')}) ON CONFLICT (policy, occurrence) DO NOTHING`)
    .run(...values);
  return info.changes === 1;
}

/** due → running for this owner, as one statement: of two runners, exactly one gets true. */
export function startOccurrence(db: Db, owner: Owner, policy: string, occurrence: string): boolean {
  const info = db
    .prepare(
      `UPDATE occurrences SET state = 'running', pid = ?, hostname = ?, owner_id = ?, started_at = ?
                           WHERE policy = ? AND occurrence = ? AND state = 'due'`,
    )
    .run(owner.pid, owner.hostname, owner.id, new Date().toISOString(), policy, occurrence);
  return info.changes === 1;
}

/**
 * running → running owned by this owner; with `from`, only while that owner still holds it (its pid and
 * hostname, and its owner id when given), in one statement.
 */
export function adoptOccurrence(db: Db, owner: Owner, policy: string, occurrence: string, from?: OccurrenceOwner): boolean {
  const cas: string[] = [];
  const args: unknown[] = [];
  if (from) {
    cas.push(' AND pid IS ? AND hostname IS ?');
    args.push(from.pid, from.hostname);
    if (from.ownerId !== undefined) {
      cas.push(' AND owner_id IS ?');
      args.push(from.ownerId);
    }
  }
  const info = db
    .prepare(`UPDATE occurrences SET pid = ?, hostname = ?, owner_id = ? WHERE policy = ? AND occurrence = ? AND state = 'running'${cas.join('')}`)
    .run(owner.pid, owner.hostname, owner.id, policy, occurrence, ...args);
  return info.changes === 1;
}

export function finishOccurrence(db: Db, policy: string, occurrence: string, outcome: OccurrenceOutcome): void {
  db.prepare('UPDATE occurrences SET state = ?, reason = ?, result_json = ?, finished_at = ? WHERE policy = ? AND occurrence = ?').run(
    outcome.state,
    outcome.reason ?? null,
    outcome.result === undefined ? null : JSON.stringify(outcome.result),
    new Date().toISOString(),
    policy,
    occurrence,
  );
}

export function getOccurrence(db: Db, policy: string, occurrence: string): OccurrenceRecord | undefined {
  const row = db.prepare('SELECT * FROM occurrences WHERE policy = ? AND occurrence = ?').get(policy, occurrence) as OccurrenceRow | undefined;
  return row && toOccurrence(row);
}

/** Newest scheduled first. */
export function listOccurrences(db: Db, filter: OccurrenceFilter = {}): OccurrenceRecord[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.policy) {
    where.push('policy = ?');
    args.push(filter.policy);
  }
  if (filter.states?.length) {
    where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
    args.push(...filter.states);
  }
  let limit = '';
  if (filter.limit !== undefined) {
    limit = ' LIMIT ?';
    args.push(Math.max(0, Math.floor(filter.limit)));
  }
  const sql = `SELECT * FROM occurrences ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY scheduled_at DESC, policy${limit}`;
  return (db.prepare(sql).all(...args) as OccurrenceRow[]).map(toOccurrence);
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
    ownerAlive: ownerAlive(row.pid, row.hostname),
    recordedAt: row.recorded_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    result: row.result_json ? (JSON.parse(row.result_json) as unknown) : null,
  };
}
