import type { CodedError } from '../errors.js';
import type { NotifyEvent } from './types.js';

/**
 * What a policy runner (`run-due`, `policy run`, the daemon) did or, with a dry run, would do. Plain data:
 * the CLI prints it, the journal keeps each occurrence's `instances` as its result, the webhook sends it.
 * Instants are ISO 8601 strings in UTC.
 */
export interface RunReport {
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  policies: PolicyRun[];
  notifications: NotificationReport[];
}

export interface PolicyRun {
  policy: string;
  /** Occurrences recorded missed by this run (oldest first), with the reason. */
  missed: MissedRecord[];
  /** True when more occurrences were missed than `missed` lists. */
  missedTruncated: boolean;
  /** Occurrences this run served, finished, closed or left alone (a live runner owns them). */
  occurrences: OccurrenceRun[];
  /** What retention decided after the run (null: no occurrence ran, so nothing was looked at). */
  retention: RetentionRun | null;
  /** The next scheduled instant after the run (null: none). */
  next: string | null;
  /** Why the policy could not run at all (e.g. the cloud did not answer); other policies still ran. */
  error: CodedError | null;
}

export interface MissedRecord {
  occurrence: string;
  scheduledAt: string;
  reason: string;
}

/**
 * How an occurrence came to run: on time (inside its window), late (`missed: run-once` after downtime),
 * adopted (its runner died), closed (superseded before it could run), ad-hoc (`policy run NAME`), or left
 * (another live runner owns it).
 */
export type OccurrenceHow = 'on-time' | 'late' | 'adopted' | 'closed' | 'ad-hoc' | 'left';

/** `planned` (dry run), `done`/`missed` (finished), `running` (left to its live owner, or interrupted: the next run adopts it). */
export type OccurrenceRunState = 'planned' | 'done' | 'missed' | 'running';

export interface OccurrenceRun {
  policy: string;
  occurrence: string;
  scheduledAt: string;
  how: OccurrenceHow;
  state: OccurrenceRunState;
  reason: string | null;
  instances: InstanceRunResult[];
}

/**
 * One instance in one occurrence: `created` (a complete set), `failed` (refused or failed; the error says
 * why), `missed` (busy for the whole window, or interrupted before it started), `already-done` (it has a
 * set for this occurrence from an earlier, interrupted run: no duplicate), `planned` (dry run).
 */
export type InstanceOutcome = 'created' | 'failed' | 'missed' | 'already-done' | 'planned';

export interface InstanceRunResult {
  instanceId: string;
  instanceName: string;
  outcome: InstanceOutcome;
  setId: string | null;
  consistency: string | null;
  /** When it started (or, planned, would start): the occurrence's base plus the instance's spread offset. */
  startAt: string;
  /** Create attempts (a busy instance is retried with back-off inside the window). */
  attempts: number;
  errorCode: string | null;
  message: string | null;
}

export interface RetentionRun {
  decisions: RetentionRunDecision[];
}

export interface RetentionRunDecision {
  setId: string;
  instanceId: string;
  instanceName: string;
  createdAt: string;
  action: 'keep' | 'prune';
  /** Every reason that keeps the set (describeReason); empty when pruned. */
  keptBy: string[];
  /** kept; deleted (through the delete engine); planned (dry run); failed (the error says why; retried next run). */
  outcome: 'kept' | 'deleted' | 'planned' | 'failed';
  error: string | null;
}

export interface NotificationReport {
  policy: string;
  event: NotifyEvent;
  eventId: string;
  /** The occurrence it is about (null: an event about several missed occurrences). */
  occurrence: string | null;
  delivered: boolean;
  attempts: number;
  /** The last HTTP status (null: no answer). */
  status: number | null;
  error: CodedError | null;
}
