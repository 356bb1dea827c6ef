import { occurrenceOf, type Occurrence } from './occurrence.js';
import type { Schedule } from './schedule.js';
import type { MissedPolicy } from './types.js';

/**
 * How long after its spread an occurrence still counts as on time: a run-due started by cron or a timer a
 * few minutes late still serves it, and a busy instance is retried until then.
 */
export const RUN_GRACE_MS = 15 * 60_000;

/** The most missed occurrences one computation lists (a policy down for a year must not list 8760 hours). */
export const MAX_MISSED_LISTED = 1000;

/**
 * An occurrence's window: [at, end) with end = at + spread + RUN_GRACE_MS, but never past the next
 * occurrence. Inside it the occurrence is on time (its instances start at their spread offsets, a busy
 * instance is retried); after it, it was missed.
 */
export function windowOf(schedule: Schedule, at: Date, spreadMs: number): { start: Date; end: Date } {
  const next = schedule.next(at);
  const end = at.getTime() + spreadMs + RUN_GRACE_MS;
  return { start: at, end: new Date(next ? Math.min(next.getTime(), end) : end) };
}

export interface DueInput {
  policy: string;
  schedule: Schedule;
  missed: MissedPolicy;
  spreadMs: number;
  /**
   * The newest occurrence the journal records, in any state (a due or running one is resumed from the
   * journal, not computed again); null: the policy never ran.
   */
  lastHandled: Date | null;
  now: Date;
}

export interface DueOccurrence extends Occurrence {
  /** The end of its window (see windowOf). */
  windowEnd: Date;
  /** True when it runs after its window (missed: run-once catching up). */
  late: boolean;
}

export interface MissedOccurrence extends Occurrence {
  reason: string;
}

export interface DueResult {
  /** At most one: the latest occurrence, when it is to run now. */
  due: DueOccurrence[];
  /** Occurrences after lastHandled that will never run, oldest first (at most MAX_MISSED_LISTED, the newest). */
  missed: MissedOccurrence[];
  /** True when more occurrences were missed than `missed` lists. */
  missedTruncated: boolean;
}

/**
 * What to run now. Only occurrences after `lastHandled` count, and of those only the latest can run:
 * - inside its window it is due, whatever `missed` says;
 * - after its window, `run-once` runs it (late) and `skip` records it missed;
 * - every older one is missed (run-once runs only the latest missed occurrence, once).
 * A policy that never ran (`lastHandled` null) starts now: nothing before its latest occurrence counts,
 * and that one runs only inside its window (no run for instants before the policy existed).
 */
export function computeDue(input: DueInput): DueResult {
  const none: DueResult = { due: [], missed: [], missedTruncated: false };
  const latest = input.schedule.latest(input.now);
  if (!latest || (input.lastHandled && latest.getTime() <= input.lastHandled.getTime())) return none;
  const window = windowOf(input.schedule, latest, input.spreadMs);
  const onTime = input.now.getTime() < window.end.getTime();
  if (!input.lastHandled) return onTime ? { ...none, due: [dueOf(input.policy, latest, window.end, false)] } : none;

  const limit = MAX_MISSED_LISTED + 2;
  const candidates = input.schedule.between(input.lastHandled, input.now, limit);
  const olderReason = `its window passed while no ccsnap ran; missed: ${input.missed} runs ${input.missed === 'skip' ? 'none' : 'only the latest'}`;
  const missed = candidates.slice(0, -1).map((at) => missedOf(input.policy, at, olderReason));
  let due: DueOccurrence[] = [];
  if (onTime || input.missed === 'run-once') due = [dueOf(input.policy, latest, window.end, !onTime)];
  else missed.push(missedOf(input.policy, latest, 'its window passed while no ccsnap ran; missed: skip runs none'));
  // candidates.length === limit: older occurrences were not even fetched.
  const missedTruncated = candidates.length === limit || missed.length > MAX_MISSED_LISTED;
  return { due, missed: missed.slice(-MAX_MISSED_LISTED), missedTruncated };
}

function dueOf(policy: string, at: Date, windowEnd: Date, late: boolean): DueOccurrence {
  return { ...occurrenceOf(policy, at), windowEnd, late };
}

function missedOf(policy: string, at: Date, reason: string): MissedOccurrence {
  return { ...occurrenceOf(policy, at), reason };
}
