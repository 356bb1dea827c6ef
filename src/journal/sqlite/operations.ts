import type { NewOperation, OperationError, OperationFilter, OperationOutcome } from '../port.js';
import type { OperationKind, OperationRecord, OperationState, StepTiming } from '../types.js';
import { toStep, type StepRow } from '../rows.js';
import type { Db } from './open.js';
import { ownerAlive, type Owner } from './owner.js';

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
  started_at: string;
  finished_at: string | null;
  plan_json: string;
  result_json: string | null;
  error_code: string | null;
  error_message: string | null;
  freeze_sent_at: string | null;
  thaw_confirmed_at: string | null;
  thawed_by: string | null;
}

export function insertOperation(db: Db, owner: Owner, op: NewOperation): void {
  db.prepare(
    `INSERT INTO operations (id, kind, instance_id, instance_name, state, host, uri, domain, pid, hostname, owner_id, started_at, plan_json)
              VALUES (?, ?, ?, ?, 'planned', ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    op.id,
    op.kind,
    op.instanceId,
    op.instanceName,
    op.host ?? null,
    op.uri ?? null,
    op.domain ?? null,
    owner.pid,
    owner.hostname,
    owner.id,
    new Date().toISOString(),
    JSON.stringify(op.plan),
  );
}

export function setOperationState(db: Db, id: string, state: OperationState): void {
  db.prepare('UPDATE operations SET state = ? WHERE id = ?').run(state, id);
}

/** The freeze request is about to leave: from now on the guest may be frozen, whatever the freeze answers. */
export function markFreezeSent(db: Db, id: string, at: Date): void {
  db.prepare("UPDATE operations SET state = 'freezing', freeze_sent_at = ? WHERE id = ?").run(at.toISOString(), id);
}

/** The agent answered "thawed" after the freeze: no freeze of this operation can land any more. */
export function markThawConfirmed(db: Db, id: string, thawedBy: string): void {
  db.prepare('UPDATE operations SET thaw_confirmed_at = ?, thawed_by = COALESCE(thawed_by, ?) WHERE id = ?').run(new Date().toISOString(), thawedBy, id);
}

/** Operations that sent a freeze (failed ones included) whose thaw nobody confirmed yet. */
export function listThawPending(db: Db): OperationRecord[] {
  const rows = db
    .prepare('SELECT * FROM operations WHERE freeze_sent_at IS NOT NULL AND thaw_confirmed_at IS NULL ORDER BY started_at')
    .all() as OperationRow[];
  return rows.map(toOperation);
}

export function finishOperation(db: Db, id: string, outcome: OperationOutcome): void {
  db.prepare('UPDATE operations SET state = ?, finished_at = ?, result_json = ?, error_code = ?, error_message = ? WHERE id = ?').run(
    outcome.state,
    new Date().toISOString(),
    outcome.result === undefined ? null : JSON.stringify(outcome.result),
    outcome.errorCode ?? null,
    outcome.errorMessage ?? null,
    id,
  );
}

/** Records why an operation stopped; it stays unfinished (no finished_at, state kept) and keeps its lock. */
export function recordOperationError(db: Db, id: string, error: OperationError): void {
  db.prepare('UPDATE operations SET error_code = ?, error_message = ?, result_json = ? WHERE id = ?').run(
    error.errorCode,
    error.errorMessage,
    error.result === undefined ? null : JSON.stringify(error.result),
    id,
  );
}

/** Transfers an unfinished operation and its locks to this owner (used by recover). */
export function adoptOperation(db: Db, owner: Owner, id: string): void {
  db.transaction(() => {
    db.prepare('UPDATE operations SET pid = ?, hostname = ?, owner_id = ? WHERE id = ?').run(owner.pid, owner.hostname, owner.id, id);
    db.prepare('UPDATE locks SET pid = ?, hostname = ?, owner_id = ? WHERE op_id = ?').run(owner.pid, owner.hostname, owner.id, id);
  })();
}

export function recordStep(db: Db, opId: string, step: StepTiming): void {
  db.transaction(() => {
    const seq = (db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM steps WHERE op_id = ?').get(opId) as { n: number }).n;
    db.prepare('INSERT INTO steps (op_id, seq, name, status, started_at, duration_ms, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      opId,
      seq,
      step.name,
      step.status,
      step.startedAt,
      step.durationMs,
      step.detail ? JSON.stringify(step.detail) : null,
    );
  }).immediate();
}

export function listUnfinishedOperations(db: Db): OperationRecord[] {
  const rows = db.prepare('SELECT * FROM operations WHERE finished_at IS NULL ORDER BY started_at').all() as OperationRow[];
  return rows.map(toOperation);
}

/** Operations matching `filter`, newest started first. */
export function listOperations(db: Db, filter: OperationFilter = {}): OperationRecord[] {
  const where: string[] = [];
  const args: unknown[] = [];
  const oneOf = (column: string, values: string[] | undefined): void => {
    if (!values?.length) return;
    where.push(`${column} IN (${values.map(() => '?').join(',')})`);
    args.push(...values);
  };
  oneOf('kind', filter.kinds);
  oneOf('state', filter.states);
  if (filter.instanceId) {
    where.push('instance_id = ?');
    args.push(filter.instanceId);
  }
  if (filter.since) {
    where.push('started_at >= ?');
    args.push(filter.since);
  }
  const sql = `SELECT * FROM operations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, rowid DESC LIMIT ?`;
  args.push(filter.limit !== undefined ? Math.max(0, Math.floor(filter.limit)) : -1);
  return (db.prepare(sql).all(...args) as OperationRow[]).map(toOperation);
}

export function listSteps(db: Db, opId: string): StepTiming[] {
  const rows = db.prepare('SELECT name, status, started_at, duration_ms, detail_json FROM steps WHERE op_id = ? ORDER BY seq').all(opId) as StepRow[];
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
    ownerAlive: ownerAlive(row.pid, row.hostname),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    plan: JSON.parse(row.plan_json) as unknown,
    result: row.result_json ? (JSON.parse(row.result_json) as unknown) : null,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    freezeSentAt: row.freeze_sent_at,
    thawConfirmedAt: row.thaw_confirmed_at,
    thawedBy: row.thawed_by,
  };
}
