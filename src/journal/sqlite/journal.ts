import type {
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
} from '../port.js';
import type { OccurrenceRecord, OperationRecord, OperationState, SetRecord, StepTiming } from '../types.js';
import { acquireLock, listLocks, readLock, releaseLock, releaseLocksOf } from './locks.js';
import { adoptOccurrence, finishOccurrence, getOccurrence, listOccurrences, recordOccurrence, startOccurrence } from './occurrences.js';
import { openDatabase, type Db } from './open.js';
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

/** The journal in one SQLite file (WAL, synchronous=FULL): a crash loses no committed step. */
export class SqliteJournal implements Journal {
  private constructor(private readonly db: Db) {}

  /** Opens (creating and migrating if needed) the journal at `path` (`:memory:` for a throwaway one). */
  static open(path: string): SqliteJournal {
    return new SqliteJournal(openDatabase(path));
  }

  insertOperation(op: NewOperation): void {
    insertOperation(this.db, op);
  }
  setOperationState(id: string, state: OperationState): void {
    setOperationState(this.db, id, state);
  }
  markFreezeSent(id: string, at: Date): void {
    markFreezeSent(this.db, id, at);
  }
  markThawConfirmed(id: string, thawedBy: string): void {
    markThawConfirmed(this.db, id, thawedBy);
  }
  finishOperation(id: string, outcome: OperationOutcome): void {
    finishOperation(this.db, id, outcome);
  }
  recordOperationError(id: string, error: OperationError): void {
    recordOperationError(this.db, id, error);
  }
  adoptOperation(id: string): void {
    adoptOperation(this.db, id);
  }
  listUnfinishedOperations(): OperationRecord[] {
    return listUnfinishedOperations(this.db);
  }
  listThawPending(): OperationRecord[] {
    return listThawPending(this.db);
  }
  listOperations(filter?: OperationFilter): OperationRecord[] {
    return listOperations(this.db, filter);
  }

  recordStep(opId: string, step: StepTiming): void {
    recordStep(this.db, opId, step);
  }
  listSteps(opId: string): StepTiming[] {
    return listSteps(this.db, opId);
  }

  insertSet(set: NewSet): void {
    insertSet(this.db, set);
  }
  updateMember(setId: string, volumeId: string, change: MemberChange): void {
    updateMember(this.db, setId, volumeId, change);
  }
  finishSet(setId: string, outcome: SetOutcome): void {
    finishSet(this.db, setId, outcome);
  }
  getSet(setId: string): SetRecord | undefined {
    return getSet(this.db, setId);
  }
  listSets(filter?: SetFilter): SetRecord[] {
    return listSets(this.db, filter);
  }
  listSetsOfOperation(opId: string): SetRecord[] {
    return listSetsOfOperation(this.db, opId);
  }
  markSnapshotGone(snapshotName: string): void {
    markSnapshotGone(this.db, snapshotName);
  }

  acquireLock(instanceId: string, opId: string): void {
    acquireLock(this.db, instanceId, opId);
  }
  releaseLock(instanceId: string, opId: string): void {
    releaseLock(this.db, instanceId, opId);
  }
  releaseLocksOf(opId: string): void {
    releaseLocksOf(this.db, opId);
  }
  readLock(instanceId: string): LockHolder | undefined {
    return readLock(this.db, instanceId);
  }
  listLocks(): LockHolder[] {
    return listLocks(this.db);
  }

  recordOccurrence(o: NewOccurrence): boolean {
    return recordOccurrence(this.db, o);
  }
  startOccurrence(policy: string, occurrence: string): boolean {
    return startOccurrence(this.db, policy, occurrence);
  }
  adoptOccurrence(policy: string, occurrence: string, from?: OccurrenceOwner): boolean {
    return adoptOccurrence(this.db, policy, occurrence, from);
  }
  finishOccurrence(policy: string, occurrence: string, outcome: OccurrenceOutcome): void {
    finishOccurrence(this.db, policy, occurrence, outcome);
  }
  getOccurrence(policy: string, occurrence: string): OccurrenceRecord | undefined {
    return getOccurrence(this.db, policy, occurrence);
  }
  listOccurrences(filter?: OccurrenceFilter): OccurrenceRecord[] {
    return listOccurrences(this.db, filter);
  }

  /**
   * SQLite only, not part of the port: runs `fn` (which calls this journal's methods) as one transaction.
   * For bulk writers such as the bench's journal fixture; ccsnap itself never needs it.
   */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}
