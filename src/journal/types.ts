export type OperationKind = 'create' | 'rollback' | 'delete';

/**
 * create:   planned → freezing → frozen → thawed → done | failed
 * rollback: planned → stopping → rolling-back → starting → done | failed (instance left stopped)
 * delete:   planned → deleting → done | failed
 */
export type OperationState = 'planned' | 'freezing' | 'frozen' | 'thawed' | 'stopping' | 'rolling-back' | 'starting' | 'deleting' | 'done' | 'failed';

export interface OperationRecord {
  id: string;
  kind: OperationKind;
  instanceId: string;
  instanceName: string;
  state: OperationState;
  host: string | null;
  uri: string | null;
  domain: string | null;
  pid: number;
  hostname: string;
  /**
   * The journal instance (one per process) that owns it: the one that recorded it, or adopted it since
   * (null: recorded before owners were, or nobody owns it yet).
   */
  ownerId: string | null;
  /**
   * Whether that owner is alive now. PostgreSQL: its lease (renewed by its heartbeat) has not run out, by the
   * server's clock. SQLite: its pid is alive, when it ran on this machine; null (unknown) for another machine.
   * null also when nobody owns it.
   */
  ownerAlive: boolean | null;
  startedAt: string;
  finishedAt: string | null;
  plan: unknown;
  result: unknown;
  /** A catalogue code when this ccsnap wrote it; an older journal may hold a code since retired (so: a string). */
  errorCode: string | null;
  errorMessage: string | null;
  /** When the freeze request was sent (null: never). */
  freezeSentAt: string | null;
  /** When the agent answered "thawed" after that freeze (null with freezeSentAt: the guest needs a check). */
  thawConfirmedAt: string | null;
  thawedBy: string | null;
}

export type SetState = 'creating' | 'complete' | 'failed' | 'deleted';
export type Consistency = 'filesystem-consistent' | 'crash-consistent' | 'offline';

export interface SetRecord {
  id: string;
  instanceId: string;
  instanceName: string;
  label: string | null;
  createdAt: string;
  state: SetState;
  consistency: Consistency | null;
  reason: string | null;
  frozenMs: number | null;
  /** Who ended the freeze: ccsnap, the watchdog, recover, or the guest itself (null: not frozen). */
  thawedBy: string | null;
  opId: string;
  steps: StepTiming[] | null;
  members: MemberRecord[];
  /** The snapshot policy that made the set, and the occurrence it served (both null for a manual set). */
  policy: string | null;
  occurrence: string | null;
}

export type MemberState = 'pending' | 'created' | 'failed' | 'deleted' | 'delete-failed';

export interface MemberRecord {
  setId: string;
  volumeId: string;
  arrayName: string;
  fsId: string;
  snapshotName: string;
  path: string | null;
  state: MemberState;
  error: string | null;
}

export interface StepTiming {
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  startedAt: string;
  durationMs: number;
  detail?: Record<string, unknown>;
}

/**
 * One scheduled occurrence of a snapshot policy, recorded once: due → running → done | missed (or
 * recorded missed at once). `occurrence` is the id `<policy>@<UTC instant>` (src/policy/occurrence.ts).
 */
export type OccurrenceState = 'due' | 'running' | 'done' | 'missed';

export interface OccurrenceRecord {
  policy: string;
  occurrence: string;
  /** The scheduled instant (ISO 8601, UTC). */
  scheduledAt: string;
  state: OccurrenceState;
  /** Why it was missed, or what went wrong in a done one (null: nothing to say). */
  reason: string | null;
  /** The process that runs (or ran) it; null while due or when recorded missed at once. */
  pid: number | null;
  hostname: string | null;
  /**
   * The journal instance (one per process) that owns it: the one that recorded it, or adopted it since
   * (null: recorded before owners were, or nobody owns it yet).
   */
  ownerId: string | null;
  /**
   * Whether that owner is alive now. PostgreSQL: its lease (renewed by its heartbeat) has not run out, by the
   * server's clock. SQLite: its pid is alive, when it ran on this machine; null (unknown) for another machine.
   * null also when nobody owns it.
   */
  ownerAlive: boolean | null;
  recordedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Per-instance outcomes, as the runner wrote them. */
  result: unknown;
}
