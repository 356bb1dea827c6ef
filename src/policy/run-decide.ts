import type { OccurrenceRecord } from '../journal/types.js';
import { RUN_GRACE_MS, windowOf } from './due.js';
import { formatInstant, parseOccurrenceId } from './occurrence.js';
import type { Schedule } from './schedule.js';
import type { InstanceOutcome, InstanceRunResult } from './run-types.js';

/**
 * The policy runner's decisions, pure: which recorded occurrence to resume, when an occurrence's
 * instances start and until when a busy one is retried, how an occurrence ends, which events it raises.
 * The I/O lives in src/ops/run-*.ts.
 */

/**
 * An ad-hoc occurrence (`ccsnap policy run NAME`): `<policy>@adhoc-<UTC instant>-<nonce>`. It is recorded
 * like a scheduled one but is not an instant of the schedule, so it never counts as the last handled
 * occurrence (a manual run does not swallow the next scheduled one) and never collides with one.
 */
export function adhocOccurrenceId(policy: string, at: Date, nonce: string): string {
  return `${policy}@adhoc-${formatInstant(at)}-${nonce}`;
}

/** True for a scheduled occurrence id (`<policy>@<UTC instant>`), false for an ad-hoc one. */
export function isScheduledOccurrence(id: string): boolean {
  return parseOccurrenceId(id) !== undefined;
}

/** The newest recorded scheduled occurrence (any state), from records listed newest first; null: none. */
export function lastScheduled(records: OccurrenceRecord[]): Date | null {
  const hit = records.find((r) => isScheduledOccurrence(r.occurrence));
  return hit ? new Date(hit.scheduledAt) : null;
}

/**
 * What to do with an occurrence the journal records as `due` or `running`:
 * - `start`: a due one that is still the latest of its schedule (its runner stopped between recording and
 *   starting it): start it (compare-and-set) and run it;
 * - `adopt`: a running one whose owner is gone, still the latest: take it over and run what is left;
 * - `close`: superseded (a newer occurrence exists), ad-hoc and ownerless, or ad-hoc and never started:
 *   take it over and finish it, recording what is left as missed;
 * - `leave`: a live runner owns it (or one on another machine, which cannot be judged from here).
 */
export type ResumeAction = 'start' | 'adopt' | 'close' | 'leave';

export interface ResumeInput {
  record: Pick<OccurrenceRecord, 'occurrence' | 'scheduledAt' | 'state'>;
  /** The schedule's latest instant at or before now (null: none). */
  latest: Date | null;
  /** For a running record: its owner is gone (a dead process on this machine, or this process no longer running it). */
  ownerGone: boolean;
  /** The instances are served as jobs by many workers (a shared PostgreSQL journal). */
  fleet?: boolean;
}

export function decideResume(input: ResumeInput): { action: ResumeAction; reason: string } {
  const { record } = input;
  const scheduled = isScheduledOccurrence(record.occurrence);
  const isLatest = scheduled && input.latest !== null && Date.parse(record.scheduledAt) === input.latest.getTime();
  if (record.state === 'due') {
    if (isLatest) return { action: 'start', reason: 'recorded due but never started' };
    return { action: 'close', reason: scheduled ? 'never started, and a newer occurrence is due' : 'an ad-hoc run that never started' };
  }
  if (!input.ownerGone) return { action: 'leave', reason: 'another runner is serving it' };
  if (isLatest) return { action: 'adopt', reason: 'its runner died; finishing it' };
  // Many workers: its instance jobs are queued and served whoever runs them, so it is collected, not closed.
  if (input.fleet && !scheduled) return { action: 'adopt', reason: 'its ad-hoc runner died; collecting what the workers serve' };
  return { action: 'close', reason: scheduled ? 'its runner died, and a newer occurrence is due' : 'its ad-hoc runner died' };
}

export interface RunTiming {
  /** Instances start at base + their spread offset. */
  base: Date;
  /** A busy instance is retried until then; after it, it is recorded missed. */
  retryUntil: Date;
  /** Running after the occurrence's window (run-once catching up, or an adopted occurrence). */
  late: boolean;
}

/**
 * When an occurrence's instances start and until when they are retried. Inside its window: from the
 * occurrence itself, retried until the window ends. After it (a late run-once, an adopted occurrence):
 * from now, for the spread plus the grace, never past the next occurrence.
 */
export function runTiming(schedule: Schedule, at: Date, spreadMs: number, now: Date): RunTiming {
  const window = windowOf(schedule, at, spreadMs);
  if (now.getTime() < window.end.getTime()) return { base: at, retryUntil: window.end, late: false };
  return { base: now, retryUntil: lateEnd(schedule, now, spreadMs + RUN_GRACE_MS), late: true };
}

/** An ad-hoc run starts every instance now (no spread) and retries a busy one for the grace time. */
export function adhocTiming(schedule: Schedule, now: Date): RunTiming {
  return { base: now, retryUntil: lateEnd(schedule, now, RUN_GRACE_MS), late: false };
}

function lateEnd(schedule: Schedule, now: Date, ms: number): Date {
  const next = schedule.next(now);
  const end = now.getTime() + ms;
  return new Date(next ? Math.min(next.getTime(), end) : end);
}

/** Back-off between attempts on a busy instance: 5 s, 10 s, 20 s, 40 s, then every 60 s. */
export const BUSY_BACKOFF = { firstMs: 5_000, factor: 2, maxMs: 60_000 } as const;

/**
 * When to try a busy instance again after `attempts` attempts, or null: the window is over. The last
 * attempt is one second before `until` when the next back-off step would end past it.
 */
export function nextBusyAttempt(attempts: number, now: Date, until: Date): Date | null {
  const delay = Math.min(BUSY_BACKOFF.firstMs * BUSY_BACKOFF.factor ** Math.max(0, attempts - 1), BUSY_BACKOFF.maxMs);
  const at = now.getTime() + delay;
  if (at < until.getTime()) return new Date(at);
  const last = until.getTime() - 1_000;
  return last > now.getTime() ? new Date(last) : null;
}

/**
 * How an occurrence ends, from its instances' results: `missed` when no instance was served and some were
 * missed (busy the whole window); else `done`, with a reason when anything went wrong.
 */
export function summarizeOccurrence(results: InstanceRunResult[]): { state: 'done' | 'missed'; reason: string | null } {
  if (results.length === 0) return { state: 'done', reason: 'no instance matched the policy' };
  const count = (o: InstanceOutcome) => results.filter((r) => r.outcome === o).length;
  const served = count('created') + count('already-done');
  const failed = count('failed');
  const missed = count('missed');
  if (served === 0 && failed === 0 && missed > 0) {
    return { state: 'missed', reason: `every instance was missed (${results.find((r) => r.outcome === 'missed')!.message ?? 'busy'})` };
  }
  if (failed === 0 && missed === 0) return { state: 'done', reason: null };
  const parts = [`${served} of ${results.length} served`, ...(failed ? [`${failed} failed`] : []), ...(missed ? [`${missed} missed`] : [])];
  return { state: 'done', reason: parts.join(', ') };
}

/**
 * An instance's latest decisive outcome before this occurrence, from earlier occurrences' results
 * (newest first): created (or already-done) or failed. Missed and planned outcomes say nothing.
 */
export function previousOutcomes(records: OccurrenceRecord[]): Map<string, 'ok' | 'failed'> {
  const out = new Map<string, 'ok' | 'failed'>();
  for (const r of records) {
    for (const i of resultInstances(r.result)) {
      if (out.has(i.instanceId)) continue;
      if (i.outcome === 'failed') out.set(i.instanceId, 'failed');
      else if (i.outcome === 'created' || i.outcome === 'already-done') out.set(i.instanceId, 'ok');
    }
  }
  return out;
}

/** The instances of an occurrence record's result (as runners write it), tolerating anything else. */
export function resultInstances(result: unknown): InstanceRunResult[] {
  const list = (result as { instances?: unknown } | null)?.instances;
  return Array.isArray(list) ? list.filter((i): i is InstanceRunResult => typeof (i as InstanceRunResult)?.instanceId === 'string') : [];
}

export interface OccurrenceEvents {
  failure: InstanceRunResult[];
  /** Instances whose previous decisive outcome was a failure and that have a good set now. */
  recovery: InstanceRunResult[];
  missed: InstanceRunResult[];
  /** Every instance served, none failed or missed. */
  success: boolean;
}

/** The events one finished occurrence raises (which of them are sent is the policy's `notify.on`). */
export function occurrenceEvents(results: InstanceRunResult[], previous: Map<string, 'ok' | 'failed'>): OccurrenceEvents {
  const failure = results.filter((r) => r.outcome === 'failed');
  const missed = results.filter((r) => r.outcome === 'missed');
  const recovery = results.filter((r) => (r.outcome === 'created' || r.outcome === 'already-done') && previous.get(r.instanceId) === 'failed');
  return { failure, recovery, missed, success: results.length > 0 && failure.length === 0 && missed.length === 0 };
}
