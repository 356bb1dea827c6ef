import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CcsnapError } from '../../errors.js';
import type {
  InstanceResultRecord,
  Journal,
  LockHolder,
  MemberChange,
  NewOccurrence,
  NewOperation,
  NewSet,
  OccurrenceFilter,
  OccurrenceOutcome,
  OccurrenceOwner,
  OperationError,
  OperationFilter,
  OperationOutcome,
  SetFilter,
  SetOutcome,
  SlotPort,
} from '../port.js';
import type { OccurrenceRecord, OperationRecord, OperationState, SetRecord, StepTiming } from '../types.js';
import type { Db } from './db.js';
import { Heartbeat } from './heartbeat.js';
import { fencedPool } from './fenced-pool.js';
import { Lease } from './lease.js';
import * as locks from './locks.js';
import { listInstanceResults, recordInstanceResult } from './instance-results.js';
import { migrate } from './migrate.js';
import * as occurrences from './occurrences.js';
import * as operations from './operations.js';
import { endLease, registerOwner, renewLease, type Owner } from './owners.js';
import { callError, createPool, openError, type PgTarget, type Pool } from './pool.js';
import * as sets from './sets.js';
import { releaseSlot, slotHolders, tryAcquireSlot } from './slots.js';

export interface PostgresJournalOptions {
  /** How long this owner stays alive without a heartbeat (ms; the heartbeat runs every third of it). Default 30 s. */
  leaseMs?: number;
  /** Connections in the pool. Default 4. */
  poolMax?: number;
}

export const DEFAULT_LEASE_MS = 30_000;

/**
 * The journal in a PostgreSQL database shared by many ccsnap processes (schema `ccsnap`). Opening is lazy:
 * the first call connects, migrates (once across workers) and registers this process as an owner with a
 * lease, renewed by an unref'd heartbeat; every call waits for that. A failed open is retried by the next
 * call. Each method is one statement or one transaction, so every compare-and-set holds across processes.
 */
export class PostgresJournal implements Journal {
  readonly slots: SlotPort;
  private readonly owner: Owner;
  private readonly heartbeat: Heartbeat;
  private readonly lease: Lease;
  private readonly db: Db;
  /** What writes use: the same pool, its connections handed out only while the lease is fresh. */
  private readonly writeDb: Db;
  private opening: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly pool: Pool,
    private readonly target: PgTarget,
    leaseMs: number,
  ) {
    this.owner = { id: randomUUID(), hostname: hostname(), pid: process.pid, leaseMs };
    this.db = { pool, owner: this.owner };
    this.lease = new Lease(() => renewLease(pool, this.owner), leaseMs, this.owner.id);
    this.writeDb = { pool: fencedPool(pool, this.lease), owner: this.owner };
    this.heartbeat = new Heartbeat(() => this.lease.beat(), Math.max(1, Math.floor(leaseMs / 3)));
    // A lease that ran out is never renewed: the heartbeat has nothing more to do.
    this.lease.onLost(() => void this.heartbeat.stop());
    this.slots = {
      tryAcquire: (scope, capacity, holder, lease) => this.write((db) => tryAcquireSlot(db.pool, scope, checkCapacity(capacity), holder, checkLease(lease))),
      release: (scope, holder) => this.write((db) => releaseSlot(db.pool, scope, holder)),
      holders: (scope) => this.run(() => slotHolders(pool, scope)),
    };
  }

  /** A journal for `url` (no connection yet: the first call opens it). An unparseable URL throws CCSNAP_JOURNAL_OPEN here. */
  static open(url: string, options: PostgresJournalOptions = {}): PostgresJournal {
    const leaseMs = checkLease(options.leaseMs ?? DEFAULT_LEASE_MS);
    const { pool, target } = createPool(url, options.poolMax ?? 4);
    return new PostgresJournal(pool, target, leaseMs);
  }

  /** This process's owner id (its records carry it). */
  get ownerId(): string {
    return this.owner.id;
  }

  /** Connects, migrates and registers the owner, once; waits for it. */
  ready(): Promise<void> {
    if (this.closing) return Promise.reject(new CcsnapError('CCSNAP_INTERNAL', 'the journal is closed'));
    this.opening ??= this.openNow().catch((err: unknown) => {
      this.opening = undefined;
      throw openError(err, this.target);
    });
    return this.opening;
  }

  private async openNow(): Promise<void> {
    await migrate(this.pool);
    const sent = this.lease.stamp();
    await registerOwner(this.pool, this.owner);
    this.lease.started(sent);
    this.heartbeat.start();
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.ready();
    try {
      return await fn();
    } catch (err) {
      throw callError(err, this.target);
    }
  }

  /**
   * A call that changes records: its statements take their connections through the fenced pool, so they go
   * out only while this process's lease runs (see lease.ts, fenced-pool.ts), else CCSNAP_JOURNAL_LEASE_LOST.
   */
  private write<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return this.run(() => fn(this.writeDb));
  }

  onFenced(listener: (err: CcsnapError) => void): () => void {
    return this.lease.onLost(listener);
  }

  /** True once PostgreSQL refused to renew this process's lease: every write is refused from then on. */
  get fenced(): boolean {
    return this.lease.fenced;
  }

  insertOperation(op: NewOperation): Promise<void> {
    return this.write((db) => operations.insertOperation(db, op));
  }
  setOperationState(id: string, state: OperationState): Promise<void> {
    return this.write((db) => operations.setOperationState(db, id, state));
  }
  markFreezeSent(id: string, at: Date): Promise<void> {
    return this.write((db) => operations.markFreezeSent(db, id, at));
  }
  markThawConfirmed(id: string, thawedBy: string): Promise<void> {
    return this.write((db) => operations.markThawConfirmed(db, id, thawedBy));
  }
  finishOperation(id: string, outcome: OperationOutcome): Promise<void> {
    return this.write((db) => operations.finishOperation(db, id, outcome));
  }
  recordOperationError(id: string, error: OperationError): Promise<void> {
    return this.write((db) => operations.recordOperationError(db, id, error));
  }
  adoptOperation(id: string): Promise<void> {
    return this.write((db) => operations.adoptOperation(db, id));
  }
  listUnfinishedOperations(): Promise<OperationRecord[]> {
    return this.run(() => operations.listUnfinishedOperations(this.db));
  }
  listThawPending(): Promise<OperationRecord[]> {
    return this.run(() => operations.listThawPending(this.db));
  }
  listOperations(filter?: OperationFilter): Promise<OperationRecord[]> {
    return this.run(() => operations.listOperations(this.db, filter));
  }

  recordStep(opId: string, step: StepTiming): Promise<void> {
    return this.write((db) => operations.recordStep(db, opId, step));
  }
  listSteps(opId: string): Promise<StepTiming[]> {
    return this.run(() => operations.listSteps(this.db, opId));
  }

  insertSet(set: NewSet): Promise<void> {
    return this.write((db) => sets.insertSet(db, set));
  }
  updateMember(setId: string, volumeId: string, change: MemberChange): Promise<void> {
    return this.write((db) => sets.updateMember(db, setId, volumeId, change));
  }
  finishSet(setId: string, outcome: SetOutcome): Promise<void> {
    return this.write((db) => sets.finishSet(db, setId, outcome));
  }
  getSet(setId: string): Promise<SetRecord | undefined> {
    return this.run(() => sets.getSet(this.db, setId));
  }
  listSets(filter?: SetFilter): Promise<SetRecord[]> {
    return this.run(() => sets.listSets(this.db, filter));
  }
  listSetsOfOperation(opId: string): Promise<SetRecord[]> {
    return this.run(() => sets.listSetsOfOperation(this.db, opId));
  }
  markSnapshotGone(snapshotName: string): Promise<void> {
    return this.write((db) => sets.markSnapshotGone(db, snapshotName));
  }

  acquireLock(instanceId: string, opId: string): Promise<void> {
    return this.write((db) => locks.acquireLock(db, instanceId, opId));
  }
  releaseLock(instanceId: string, opId: string): Promise<void> {
    return this.write((db) => locks.releaseLock(db, instanceId, opId));
  }
  releaseLocksOf(opId: string): Promise<void> {
    return this.write((db) => locks.releaseLocksOf(db, opId));
  }
  readLock(instanceId: string): Promise<LockHolder | undefined> {
    return this.run(() => locks.readLock(this.db, instanceId));
  }
  listLocks(): Promise<LockHolder[]> {
    return this.run(() => locks.listLocks(this.db));
  }

  recordOccurrence(o: NewOccurrence): Promise<boolean> {
    return this.write((db) => occurrences.recordOccurrence(db, o));
  }
  startOccurrence(policy: string, occurrence: string): Promise<boolean> {
    return this.write((db) => occurrences.startOccurrence(db, policy, occurrence));
  }
  adoptOccurrence(policy: string, occurrence: string, from?: OccurrenceOwner): Promise<boolean> {
    return this.write((db) => occurrences.adoptOccurrence(db, policy, occurrence, from));
  }
  finishOccurrence(policy: string, occurrence: string, outcome: OccurrenceOutcome): Promise<void> {
    return this.write((db) => occurrences.finishOccurrence(db, policy, occurrence, outcome));
  }
  getOccurrence(policy: string, occurrence: string): Promise<OccurrenceRecord | undefined> {
    return this.run(() => occurrences.getOccurrence(this.db, policy, occurrence));
  }
  listOccurrences(filter?: OccurrenceFilter): Promise<OccurrenceRecord[]> {
    return this.run(() => occurrences.listOccurrences(this.db, filter));
  }
  recordInstanceResult(policy: string, occurrence: string, instanceId: string, result: unknown): Promise<void> {
    return this.write((db) => recordInstanceResult(db, policy, occurrence, instanceId, result));
  }
  listInstanceResults(policy: string, occurrence: string): Promise<InstanceResultRecord[]> {
    return this.run(() => listInstanceResults(this.db, policy, occurrence));
  }

  /** Stops the heartbeat, ends the lease (a clean shutdown releases at once) and closes the pool. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  private async closeNow(): Promise<void> {
    const opened = this.opening
      ? await this.opening.then(
          () => true,
          () => false,
        )
      : false;
    await this.heartbeat.stop();
    // Best effort: with the server away the lease cannot be ended, and simply runs out.
    if (opened) await endLease(this.pool, this.owner.id).catch(() => undefined);
    await this.pool.end();
  }
}

function checkLease(ms: number): number {
  if (!Number.isFinite(ms) || ms < 3) throw new CcsnapError('CCSNAP_INTERNAL', `a lease must be a number of milliseconds >= 3 (got ${ms})`);
  return ms;
}

function checkCapacity(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new CcsnapError('CCSNAP_INTERNAL', `a slot capacity must be an integer >= 0 (got ${n})`);
  return n;
}
