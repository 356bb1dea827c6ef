import type { NewOperation, OperationError, OperationFilter, OperationOutcome } from '../port.js';
import type { OperationKind, OperationRecord, OperationState, StepTiming } from '../types.js';
import { toStep, type StepRow } from '../rows.js';
import { isoOf, jsonOrNull, parseJson, Where, type Db } from './db.js';
import { joinOwner, ownerAliveSql } from './owners.js';
import { inTransaction } from './tx.js';

interface OperationRow {
  id: string;
  kind: string;
  instance_id: string;
  instance_name: string;
  state: string;
  host: string | null;
  uri: string | null;
  domain: string | null;
  pid: number;
  hostname: string;
  owner_id: string | null;
  owner_alive: boolean | null;
  started_at: Date;
  finished_at: Date | null;
  plan_json: string;
  result_json: string | null;
  error_code: string | null;
  error_message: string | null;
  freeze_sent_at: Date | null;
  thaw_confirmed_at: Date | null;
  thawed_by: string | null;
}

const SELECT = `SELECT op.*, ${ownerAliveSql('op')} FROM ccsnap.operations op ${joinOwner('op')}`;

export async function insertOperation(db: Db, op: NewOperation): Promise<void> {
  await db.pool.query(
    `INSERT INTO ccsnap.operations (id, kind, instance_id, instance_name, state, host, uri, domain, pid, hostname, owner_id, plan_json, started_at)
     VALUES ($1, $2, $3, $4, 'planned', $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      op.id,
      op.kind,
      op.instanceId,
      op.instanceName,
      op.host ?? null,
      op.uri ?? null,
      op.domain ?? null,
      db.owner.pid,
      db.owner.hostname,
      db.owner.id,
      JSON.stringify(op.plan),
      new Date(),
    ],
  );
}

export async function setOperationState(db: Db, id: string, state: OperationState): Promise<void> {
  await db.pool.query('UPDATE ccsnap.operations SET state = $1 WHERE id = $2', [state, id]);
}

export async function markFreezeSent(db: Db, id: string, at: Date): Promise<void> {
  await db.pool.query("UPDATE ccsnap.operations SET state = 'freezing', freeze_sent_at = $1 WHERE id = $2", [at, id]);
}

export async function markThawConfirmed(db: Db, id: string, thawedBy: string): Promise<void> {
  await db.pool.query('UPDATE ccsnap.operations SET thaw_confirmed_at = $1, thawed_by = COALESCE(thawed_by, $2) WHERE id = $3', [new Date(), thawedBy, id]);
}

export async function listThawPending(db: Db): Promise<OperationRecord[]> {
  const { rows } = await db.pool.query<OperationRow>(
    `${SELECT} WHERE op.freeze_sent_at IS NOT NULL AND op.thaw_confirmed_at IS NULL ORDER BY op.started_at, op.seq`,
  );
  return rows.map(toOperation);
}

export async function finishOperation(db: Db, id: string, outcome: OperationOutcome): Promise<void> {
  await db.pool.query('UPDATE ccsnap.operations SET state = $1, finished_at = $2, result_json = $3, error_code = $4, error_message = $5 WHERE id = $6', [
    outcome.state,
    new Date(),
    jsonOrNull(outcome.result),
    outcome.errorCode ?? null,
    outcome.errorMessage ?? null,
    id,
  ]);
}

export async function recordOperationError(db: Db, id: string, error: OperationError): Promise<void> {
  await db.pool.query('UPDATE ccsnap.operations SET error_code = $1, error_message = $2, result_json = $3 WHERE id = $4', [
    error.errorCode,
    error.errorMessage,
    jsonOrNull(error.result),
    id,
  ]);
}

/** Transfers an unfinished operation and its locks to this owner, in one transaction. */
export async function adoptOperation(db: Db, id: string): Promise<void> {
  const { pid, hostname, id: ownerId } = db.owner;
  await inTransaction(db.pool, async (client) => {
    await client.query('UPDATE ccsnap.operations SET pid = $1, hostname = $2, owner_id = $3 WHERE id = $4', [pid, hostname, ownerId, id]);
    await client.query('UPDATE ccsnap.locks SET pid = $1, hostname = $2, owner_id = $3 WHERE op_id = $4', [pid, hostname, ownerId, id]);
  });
}

/** One statement: steps are ordered by a sequence, so two writers never compute the same position. */
export async function recordStep(db: Db, opId: string, step: StepTiming): Promise<void> {
  await db.pool.query('INSERT INTO ccsnap.steps (op_id, name, status, started_at, duration_ms, detail_json) VALUES ($1, $2, $3, $4, $5, $6)', [
    opId,
    step.name,
    step.status,
    step.startedAt,
    step.durationMs,
    step.detail ? JSON.stringify(step.detail) : null,
  ]);
}

export async function listUnfinishedOperations(db: Db): Promise<OperationRecord[]> {
  const { rows } = await db.pool.query<OperationRow>(`${SELECT} WHERE op.finished_at IS NULL ORDER BY op.started_at, op.seq`);
  return rows.map(toOperation);
}

/** Operations matching `filter`, newest started first. */
export async function listOperations(db: Db, filter: OperationFilter = {}): Promise<OperationRecord[]> {
  const where = new Where();
  if (filter.kinds?.length) where.add('op.kind = ANY(?)', filter.kinds);
  if (filter.states?.length) where.add('op.state = ANY(?)', filter.states);
  if (filter.instanceId) where.add('op.instance_id = ?', filter.instanceId);
  if (filter.since) where.add('op.started_at >= ?::timestamptz', filter.since);
  const limit = filter.limit !== undefined ? ` LIMIT ${where.param(Math.max(0, Math.floor(filter.limit)))}` : '';
  const { rows } = await db.pool.query<OperationRow>(`${SELECT} ${where.toString()} ORDER BY op.started_at DESC, op.seq DESC${limit}`, where.args);
  return rows.map(toOperation);
}

export async function listSteps(db: Db, opId: string): Promise<StepTiming[]> {
  const { rows } = await db.pool.query<StepRow>('SELECT name, status, started_at, duration_ms, detail_json FROM ccsnap.steps WHERE op_id = $1 ORDER BY seq', [
    opId,
  ]);
  return rows.map(toStep);
}

function toOperation(row: OperationRow): OperationRecord {
  return {
    id: row.id,
    kind: row.kind as OperationKind,
    instanceId: row.instance_id,
    instanceName: row.instance_name,
    state: row.state as OperationState,
    host: row.host,
    uri: row.uri,
    domain: row.domain,
    pid: row.pid,
    hostname: row.hostname,
    ownerId: row.owner_id,
    ownerAlive: row.owner_alive,
    startedAt: row.started_at.toISOString(),
    finishedAt: isoOf(row.finished_at),
    plan: JSON.parse(row.plan_json) as unknown,
    result: parseJson(row.result_json),
    errorCode: row.error_code,
    errorMessage: row.error_message,
    freezeSentAt: isoOf(row.freeze_sent_at),
    thawConfirmedAt: isoOf(row.thaw_confirmed_at),
    thawedBy: row.thawed_by,
  };
}
