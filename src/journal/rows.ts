import type { NewOccurrence } from './port.js';
import type { Consistency, MemberRecord, MemberState, SetRecord, SetState, StepTiming } from './types.js';

/**
 * The rows both backends store sets, members and steps in (the same columns, text timestamps), and their
 * records. A backend that reads many rows passes `shared` to keep one string per repeated value.
 */
export interface SetRow {
  id: string;
  instance_id: string;
  instance_name: string;
  label: string | null;
  created_at: string;
  state: string;
  consistency: string | null;
  reason: string | null;
  frozen_ms: number | null;
  thawed_by: string | null;
  op_id: string;
  steps_json: string | null;
  policy: string | null;
  occurrence: string | null;
}

export interface MemberRow {
  set_id: string;
  volume_id: string;
  array_name: string;
  fs_id: string;
  snapshot_name: string;
  path: string | null;
  state: string;
  error: string | null;
}

export interface StepRow {
  name: string;
  status: StepTiming['status'];
  started_at: string;
  duration_ms: number;
  detail_json: string | null;
}

/** One string per distinct value (the identity by default). */
export type Interner = <T extends string | null>(value: T) => T;

const asIs: Interner = (value) => value;

export function toMember(row: MemberRow, setId = row.set_id, shared = asIs): MemberRecord {
  return {
    setId,
    volumeId: shared(row.volume_id),
    arrayName: shared(row.array_name),
    fsId: shared(row.fs_id),
    snapshotName: row.snapshot_name,
    path: row.path,
    state: shared(row.state) as MemberState,
    error: shared(row.error),
  };
}

export function toSet(row: SetRow, members: MemberRecord[], shared = asIs): SetRecord {
  return {
    id: row.id,
    instanceId: shared(row.instance_id),
    instanceName: shared(row.instance_name),
    label: shared(row.label),
    createdAt: shared(row.created_at),
    state: shared(row.state) as SetState,
    consistency: shared(row.consistency) as Consistency | null,
    reason: shared(row.reason),
    frozenMs: row.frozen_ms,
    thawedBy: shared(row.thawed_by),
    opId: row.op_id,
    steps: row.steps_json ? (JSON.parse(row.steps_json) as StepTiming[]) : null,
    members,
    policy: shared(row.policy),
    occurrence: shared(row.occurrence),
  };
}

export function toStep(row: StepRow): StepTiming {
  return {
    name: row.name,
    status: row.status,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    ...(row.detail_json ? { detail: JSON.parse(row.detail_json) as Record<string, unknown> } : {}),
  };
}

/** The columns a new occurrence is inserted with, in the order of `newOccurrenceValues`. */
export const NEW_OCCURRENCE_COLUMNS = 'policy, occurrence, scheduled_at, state, reason, recorded_at, finished_at, pid, hostname, owner_id, started_at';

/**
 * A new occurrence's values, `now` as the backend stores times: a missed one is finished when recorded, and a
 * running one (an ad-hoc run) is recorded started by `owner` in the same write.
 */
export function newOccurrenceValues<T>(o: NewOccurrence, owner: { id: string; pid: number; hostname: string }, now: T): unknown[] {
  const by = o.state === 'running' ? owner : undefined;
  return [
    o.policy,
    o.occurrence,
    o.scheduledAt,
    o.state,
    o.reason ?? null,
    now,
    o.state === 'missed' ? now : null,
    by?.pid ?? null,
    by?.hostname ?? null,
    by?.id ?? null,
    by ? now : null,
  ];
}
