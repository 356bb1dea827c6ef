import type { CcsnapErrorCode } from '../error-codes/index.js';
import type { CcsnapError } from '../errors.js';
import type {
  Consistency,
  MemberState,
  OccurrenceRecord,
  OccurrenceState,
  OperationKind,
  OperationRecord,
  OperationState,
  SetRecord,
  SetState,
  StepTiming,
} from './types.js';

/**
 * The journal as the engine and the operations see it: every read and write of operations, sets,
 * members, locks and steps. One implementation per backend (SQLite in `sqlite/`, PostgreSQL in `postgres/`); nothing
 * outside `journal/` knows how it is stored. Every method is atomic on its own: a caller never
 * needs a transaction around one. Asynchronous, so a networked backend (PostgreSQL) fits the same
 * port: a caller awaits each write before the step it records may happen (e.g. markFreezeSent
 * before the freeze request leaves).
 */
export interface Journal {
  // ---- operations ----
  /** Records a new operation in state `planned`, owned by this process. */
  insertOperation(op: NewOperation): Promise<void>;
  setOperationState(id: string, state: OperationState): Promise<void>;
  /** The freeze request is about to leave: from now on the guest may be frozen, whatever the freeze answers. */
  markFreezeSent(id: string, at: Date): Promise<void>;
  /** The agent answered "thawed" after the freeze: no freeze of this operation can land any more. */
  markThawConfirmed(id: string, thawedBy: string): Promise<void>;
  finishOperation(id: string, outcome: OperationOutcome): Promise<void>;
  /** Records why an operation stopped while it stays unfinished (and keeps its lock) for `recover`. */
  recordOperationError(id: string, error: OperationError): Promise<void>;
  /** Transfers an unfinished operation, and the locks it holds, to this process (used by recover). */
  adoptOperation(id: string): Promise<void>;
  listUnfinishedOperations(): Promise<OperationRecord[]>;
  /** Operations that sent a freeze (failed ones included) whose thaw nobody confirmed yet. */
  listThawPending(): Promise<OperationRecord[]>;
  /** Operations matching `filter`, newest started first (e.g. recent failed creates for the daemon's status page). */
  listOperations(filter?: OperationFilter): Promise<OperationRecord[]>;

  // ---- steps ----
  /** Appends a step to an operation (steps keep the order they were recorded in). */
  recordStep(opId: string, step: StepTiming): Promise<void>;
  listSteps(opId: string): Promise<StepTiming[]>;

  // ---- sets and members ----
  /** Records a set and its members as pending, before anything is created on the array. */
  insertSet(set: NewSet): Promise<void>;
  updateMember(setId: string, volumeId: string, change: MemberChange): Promise<void>;
  finishSet(setId: string, outcome: SetOutcome): Promise<void>;
  getSet(setId: string): Promise<SetRecord | undefined>;
  /** Sets of one instance (or all), newest first. */
  listSets(filter?: SetFilter): Promise<SetRecord[]>;
  listSetsOfOperation(opId: string): Promise<SetRecord[]>;
  /**
   * Records that an array snapshot is gone (deleted by ccsnap, or destroyed by a rollback): its member
   * becomes `deleted`, and a set with nothing left on the array becomes `deleted`. Unknown names are ignored.
   */
  markSnapshotGone(snapshotName: string): Promise<void>;

  // ---- locks (one per instance) ----
  /** Takes the instance's lock for `opId`, or throws CCSNAP_LOCKED naming the holder (see `lockedError`). */
  acquireLock(instanceId: string, opId: string): Promise<void>;
  releaseLock(instanceId: string, opId: string): Promise<void>;
  /** Releases every lock an operation holds (recover, after closing the operation). */
  releaseLocksOf(opId: string): Promise<void>;
  readLock(instanceId: string): Promise<LockHolder | undefined>;
  /** Every lock held now (recover releases those a dead process took before it journaled anything). */
  listLocks(): Promise<LockHolder[]>;

  // ---- policy occurrences (each recorded once per policy) ----
  /**
   * Records an occurrence as `due` (or `missed`, with its reason) unless it is already recorded, in any
   * state: true when this call recorded it. Atomic, so two runners never both record one occurrence.
   */
  recordOccurrence(o: NewOccurrence): Promise<boolean>;
  /** due → running, owned by this process: true when this call took it (false: not due, or unknown). */
  startOccurrence(policy: string, occurrence: string): Promise<boolean>;
  /**
   * Transfers a running occurrence to this process (its owner died; the caller checked). With `from`, a
   * compare-and-set: only while that process still owns it, so of two runners adopting one dead runner's
   * occurrence, exactly one gets true.
   */
  adoptOccurrence(policy: string, occurrence: string, from?: OccurrenceOwner): Promise<boolean>;
  finishOccurrence(policy: string, occurrence: string, outcome: OccurrenceOutcome): Promise<void>;
  getOccurrence(policy: string, occurrence: string): Promise<OccurrenceRecord | undefined>;
  /** Newest scheduled first. The newest of a policy, in any state, is the last one a runner has handled. */
  listOccurrences(filter?: OccurrenceFilter): Promise<OccurrenceRecord[]>;
  /**
   * Records (or replaces) one instance's outcome for an occurrence: the workers that serve an occurrence's
   * instance jobs write here, and the runner that owns the occurrence reads them back to finish it.
   */
  recordInstanceResult(policy: string, occurrence: string, instanceId: string, result: unknown): Promise<void>;
  listInstanceResults(policy: string, occurrence: string): Promise<InstanceResultRecord[]>;

  /**
   * Counting semaphores shared by every process on the journal (limits across workers: guests frozen per
   * compute host, concurrent calls per array). Only a shared backend has them (PostgreSQL); SQLite has none.
   */
  readonly slots?: SlotPort;

  /**
   * A journal with owner leases (PostgreSQL) calls `listener` once, when the server refuses to renew this
   * process's lease: another worker may have taken over its operations, and every write fails from then on
   * (CCSNAP_JOURNAL_LEASE_LOST). A long-running process (the daemon) stops on it. Returns the unsubscribe.
   */
  onFenced?(listener: (err: CcsnapError) => void): () => void;

  /** Ends this journal: stops its heartbeat and ends its owner's lease (what it left unfinished is recoverable at once). */
  close(): Promise<void>;
}

/**
 * A counting semaphore per `scope` (e.g. `host:<compute host>`): never more than `capacity` unexpired
 * holders. A holder's slot expires `leaseMs` after its last acquire, by the database's clock, so a dead
 * worker's slots come back by themselves.
 */
export interface SlotPort {
  /** Takes a slot for `holder` if fewer than `capacity` are held (atomic across processes): true when it holds one now. Acquiring again while holding extends the slot (true). */
  tryAcquire(scope: string, capacity: number, holder: string, leaseMs: number): Promise<boolean>;
  release(scope: string, holder: string): Promise<void>;
  /** The unexpired holders of `scope`, sorted. */
  holders(scope: string): Promise<string[]>;
}

export interface InstanceResultRecord {
  instanceId: string;
  result: unknown;
  recordedAt: string;
}

export interface NewOccurrence {
  policy: string;
  /** The occurrence id, `<policy>@<UTC instant>`. */
  occurrence: string;
  scheduledAt: string;
  /**
   * `running`: recorded as started by this journal's owner in the same write (an ad-hoc run: no other runner
   * can see it due and take it between the two).
   */
  state: 'due' | 'missed' | 'running';
  reason?: string | null;
}

/** The owner an adopter saw on a running occurrence; with `ownerId` (from the record), the compare-and-set also checks it. */
export interface OccurrenceOwner {
  pid: number | null;
  hostname: string | null;
  ownerId?: string | null;
}

export interface OccurrenceOutcome {
  state: 'done' | 'missed';
  reason?: string | null;
  result?: unknown;
}

export interface OccurrenceFilter {
  policy?: string;
  states?: OccurrenceState[];
  limit?: number;
}

export interface NewOperation {
  id: string;
  kind: OperationKind;
  instanceId: string;
  instanceName: string;
  host?: string | null;
  uri?: string | null;
  domain?: string | null;
  plan: unknown;
}

export interface OperationFilter {
  kinds?: OperationKind[];
  states?: OperationState[];
  instanceId?: string;
  /** Started at or after this instant (ISO 8601). */
  since?: string;
  limit?: number;
}

export interface OperationError {
  errorCode: CcsnapErrorCode;
  errorMessage: string;
  result?: unknown;
}

export interface OperationOutcome {
  state: 'done' | 'failed';
  result?: unknown;
  errorCode?: CcsnapErrorCode;
  errorMessage?: string;
}

export interface NewSet {
  id: string;
  instanceId: string;
  instanceName: string;
  label: string | null;
  createdAt: string;
  opId: string;
  members: Array<{ volumeId: string; arrayName: string; fsId: string; snapshotName: string }>;
  /** For a set made by a snapshot policy: the policy and the occurrence id it serves (both or neither). */
  policy?: string | null;
  occurrence?: string | null;
}

export interface MemberChange {
  state: MemberState;
  path?: string | null;
  error?: string | null;
}

export interface SetOutcome {
  state: SetState;
  consistency?: Consistency | null;
  reason?: string | null;
  frozenMs?: number | null;
  thawedBy?: string | null;
  steps?: StepTiming[];
}

export interface SetFilter {
  instanceId?: string;
  /**
   * Sets with a member on any of these volumes, whichever instance made them (a list reads the journal a
   * batch of volumes at a time: a volume shared by two instances, or moved from one to another, holds the
   * snapshots of another instance's sets); empty selects none.
   */
  volumeIds?: readonly string[];
  /** false: the sets come without their step timings (`steps` null), which a list of every set has no use for. */
  withSteps?: boolean;
  states?: SetState[];
  policy?: string;
  occurrence?: string;
}

export interface LockHolder {
  instanceId: string;
  opId: string;
  pid: number;
  hostname: string;
  /** The journal instance (process) that holds it (null: taken before owners were recorded). */
  ownerId: string | null;
  /** Whether that owner lives, as the backend can tell (see OperationRecord.ownerAlive). */
  ownerAlive: boolean | null;
  acquiredAt: string;
}
