import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type {
  Journal,
  LockHolder,
  MemberChange,
  NewOccurrence,
  NewOperation,
  NewSet,
  OccurrenceFilter,
  OccurrenceOutcome,
  InstanceResultRecord,
  OccurrenceOwner,
  OperationError,
  OperationFilter,
  OperationOutcome,
  SetFilter,
  SetOutcome,
} from '../port.js';
import type { OccurrenceRecord, OperationRecord, OperationState, SetRecord, StepTiming } from '../types.js';
import { acquireLock, listLocks, readLock, releaseLock, releaseLocksOf } from './locks.js';
import { adoptOccurrence, finishOccurrence, getOccurrence, listOccurrences, recordOccurrence, startOccurrence } from './occurrences.js';
import { listInstanceResults, recordInstanceResult } from './instance-results.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import { openDatabase, type Db } from './open.js';
import { createSetReader, type SetReader } from './set-reader.js';
import type { Owner } from './owner.js';
import {
  adoptOperation,
  finishOperation,
  insertOperation,
  listOperations,
  listSteps,
  listThawPending,
  listUnfinishedOperations,
  markFreezeSent,
  markThawConfirmed,
  recordOperationError,
  recordStep,
  setOperationState,
} from './operations.js';
import { finishSet, getSet, insertSet, listSets, listSetsOfOperation, markSnapshotGone, updateMember } from './sets.js';

/**
 * The journal in one SQLite file (WAL, synchronous=FULL): a crash loses no committed step. The writes of one
 * turn of the event loop are committed together (group commit), each resolving once it is on disk.
 */
export class SqliteJournal implements Journal {
  /** This instance as the owner of what it records (SQLite keeps no lease: see sqlite/owner.ts). */
  private readonly owner: Owner = { id: randomUUID(), pid: process.pid, hostname: hostname() };

  /** Writes are group-committed (see group-commit.ts); reads run at once. */
  private readonly commits: GroupCommit;

  /** Reads of sets by volume (a list's batches), on a reader thread when there is one. */
  private readonly reader: SetReader;

  private constructor(
    private readonly db: Db,
    path: string,
  ) {
    this.commits = createGroupCommit(db);
    this.reader = createSetReader(db, path);
  }

  /** Opens (creating and migrating if needed) the journal at `path` (`:memory:` for a throwaway one). */
  static open(path: string): SqliteJournal {
    return new SqliteJournal(openDatabase(path), path);
  }

  /** This instance's owner id (its records carry it). */
  get ownerId(): string {
    return this.owner.id;
  }

  async insertOperation(op: NewOperation): Promise<void> {
    return this.commits.write(() => insertOperation(this.db, this.owner, op));
  }
  async setOperationState(id: string, state: OperationState): Promise<void> {
    return this.commits.write(() => setOperationState(this.db, id, state));
  }
  async markFreezeSent(id: string, at: Date): Promise<void> {
    return this.commits.write(() => markFreezeSent(this.db, id, at));
  }
  async markThawConfirmed(id: string, thawedBy: string): Promise<void> {
    return this.commits.write(() => markThawConfirmed(this.db, id, thawedBy));
  }
  async finishOperation(id: string, outcome: OperationOutcome): Promise<void> {
    return this.commits.write(() => finishOperation(this.db, id, outcome));
  }
  async recordOperationError(id: string, error: OperationError): Promise<void> {
    return this.commits.write(() => recordOperationError(this.db, id, error));
  }
  async adoptOperation(id: string): Promise<void> {
    return this.commits.write(() => adoptOperation(this.db, this.owner, id));
  }
  async listUnfinishedOperations(): Promise<OperationRecord[]> {
    return listUnfinishedOperations(this.db);
  }
  async listThawPending(): Promise<OperationRecord[]> {
    return listThawPending(this.db);
  }
  async listOperations(filter?: OperationFilter): Promise<OperationRecord[]> {
    return listOperations(this.db, filter);
  }

  async recordStep(opId: string, step: StepTiming): Promise<void> {
    return this.commits.write(() => recordStep(this.db, opId, step));
  }
  async listSteps(opId: string): Promise<StepTiming[]> {
    return listSteps(this.db, opId);
  }

  async insertSet(set: NewSet): Promise<void> {
    return this.commits.write(() => insertSet(this.db, set));
  }
  async updateMember(setId: string, volumeId: string, change: MemberChange): Promise<void> {
    return this.commits.write(() => updateMember(this.db, setId, volumeId, change));
  }
  async finishSet(setId: string, outcome: SetOutcome): Promise<void> {
    return this.commits.write(() => finishSet(this.db, setId, outcome));
  }
  async getSet(setId: string): Promise<SetRecord | undefined> {
    return getSet(this.db, setId);
  }
  async listSets(filter?: SetFilter): Promise<SetRecord[]> {
    // A batch of a list: its SQLite work off the event loop. Every other read is one the event loop can take.
    if (filter?.volumeIds) return this.reader.listSets(filter);
    return listSets(this.db, filter);
  }
  async listSetsOfOperation(opId: string): Promise<SetRecord[]> {
    return listSetsOfOperation(this.db, opId);
  }
  async markSnapshotGone(snapshotName: string): Promise<void> {
    return this.commits.write(() => markSnapshotGone(this.db, snapshotName));
  }

  async acquireLock(instanceId: string, opId: string): Promise<void> {
    return this.commits.write(() => acquireLock(this.db, this.owner, instanceId, opId));
  }
  async releaseLock(instanceId: string, opId: string): Promise<void> {
    return this.commits.write(() => releaseLock(this.db, instanceId, opId));
  }
  async releaseLocksOf(opId: string): Promise<void> {
    return this.commits.write(() => releaseLocksOf(this.db, opId));
  }
  async readLock(instanceId: string): Promise<LockHolder | undefined> {
    return readLock(this.db, instanceId);
  }
  async listLocks(): Promise<LockHolder[]> {
    return listLocks(this.db);
  }

  async recordOccurrence(o: NewOccurrence): Promise<boolean> {
    return this.commits.write(() => recordOccurrence(this.db, this.owner, o));
  }
  async startOccurrence(policy: string, occurrence: string): Promise<boolean> {
    return this.commits.write(() => startOccurrence(this.db, this.owner, policy, occurrence));
  }
  async adoptOccurrence(policy: string, occurrence: string, from?: OccurrenceOwner): Promise<boolean> {
    return this.commits.write(() => adoptOccurrence(this.db, this.owner, policy, occurrence, from));
  }
  async finishOccurrence(policy: string, occurrence: string, outcome: OccurrenceOutcome): Promise<void> {
    return this.commits.write(() => finishOccurrence(this.db, policy, occurrence, outcome));
  }
  async getOccurrence(policy: string, occurrence: string): Promise<OccurrenceRecord | undefined> {
    return getOccurrence(this.db, policy, occurrence);
  }
  async listOccurrences(filter?: OccurrenceFilter): Promise<OccurrenceRecord[]> {
    return listOccurrences(this.db, filter);
  }

  async recordInstanceResult(policy: string, occurrence: string, instanceId: string, result: unknown): Promise<void> {
    return this.commits.write(() => recordInstanceResult(this.db, policy, occurrence, instanceId, result));
  }
  async listInstanceResults(policy: string, occurrence: string): Promise<InstanceResultRecord[]> {
    return listInstanceResults(this.db, policy, occurrence);
  }

  /**
   * SQLite only, not part of the port: runs `fn` (which calls this journal's methods) as one transaction.
   * For bulk writers such as the bench's journal fixture; ccsnap itself never needs it. Inside `fn` this
   * backend's methods do their work synchronously when called (their promises are already settled), so `fn`
   * need not await them.
   */
  batch<T>(fn: () => T): T {
    return this.commits.now(fn);
  }

  /** SQLite only: transactions committed and the writes they held (tests, benchmarks). */
  commitStats(): { commits: number; writes: number } {
    return this.commits.stats();
  }

  /** SQLite only: the batch reads answered by the reader thread and on this connection (tests, benchmarks). */
  readStats(): { onThread: number; onOwnConnection: number } {
    return this.reader.stats();
  }

  async close(): Promise<void> {
    await this.reader.close();
    this.commits.flush();
    this.db.close();
  }
}
