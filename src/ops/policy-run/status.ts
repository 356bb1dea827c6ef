import type { OccurrenceRecord, OccurrenceState } from '../../journal/types.js';
import { windowOf } from '../../policy/due.js';
import { compileSchedule } from '../../policy/schedule.js';
import type { Policy } from '../../policy/types.js';
import type { Runtime } from '../../runtime.js';
import { createInventoryCache } from './inventory.js';
import { systemClock } from '../../util/clock.js';

/**
 * Where each policy stands, from its schedule and the journal (no cloud I/O): what a status page or a
 * metrics scrape asks for. Instants are ISO 8601 (UTC).
 */
export interface PolicyScheduleStatus {
  name: string;
  schedule: string;
  timezone: string;
  /** The latest scheduled instant at or before now (null: none). */
  previousOccurrence: string | null;
  /** The next scheduled instant after now (null: none). */
  nextOccurrence: string | null;
  /**
   * The newest scheduled instant whose window has closed at now (scheduled + spread + grace ≤ now): a
   * good set made at or after it was expected by now. Null before the policy's first recorded occurrence
   * (a new policy is never late).
   */
  lastDueOccurrence: string | null;
  /** The newest occurrence a runner handled (any state, ad-hoc ones included); null: none. */
  lastRun: { occurrence: string; scheduledAt: string; state: OccurrenceState; finishedAt: string | null; reason: string | null } | null;
}

export async function policySchedules(rt: Runtime, now: Date = new Date()): Promise<PolicyScheduleStatus[]> {
  const journal = rt.journal();
  const records = await Promise.all(rt.settings.policies.map((p) => journal.listOccurrences({ policy: p.name })));
  return rt.settings.policies.map((p, i) => scheduleStatus(p, records[i]!, now));
}

/** One policy's status from its records (newest first, as the journal lists them). Pure. */
export function scheduleStatus(policy: Policy, records: OccurrenceRecord[], now: Date): PolicyScheduleStatus {
  const schedule = compileSchedule(policy.schedule, policy.timezone, now);
  const previous = schedule.latest(now);
  const last = records[0];
  const first = records.at(-1);
  let lastDue: Date | null = null;
  if (previous) {
    lastDue = windowOf(schedule, previous, policy.spreadMs).end.getTime() <= now.getTime() ? previous : schedule.latest(new Date(previous.getTime() - 1));
  }
  if (lastDue && (!first || lastDue.getTime() < Date.parse(first.scheduledAt))) lastDue = null;
  return {
    name: policy.name,
    schedule: policy.schedule,
    timezone: policy.timezone,
    previousOccurrence: previous?.toISOString() ?? null,
    nextOccurrence: schedule.next(now)?.toISOString() ?? null,
    lastDueOccurrence: lastDue?.toISOString() ?? null,
    lastRun: last ? { occurrence: last.occurrence, scheduledAt: last.scheduledAt, state: last.state, finishedAt: last.finishedAt, reason: last.reason } : null,
  };
}

/**
 * The instances each policy matches now: one inventory (one server list, one volume list, the arrays'
 * filesystems; Keystone's projects when a policy selects by project). Keyed by policy name.
 */
export async function policyInstances(rt: Runtime, opts: { signal?: AbortSignal } = {}): Promise<Map<string, Array<{ id: string; name: string }>>> {
  const cache = createInventoryCache(rt, { clock: systemClock, maxAgeMs: Infinity, ...(opts.signal ? { signal: opts.signal } : {}) });
  const out = new Map<string, Array<{ id: string; name: string }>>();
  for (const p of rt.settings.policies)
    out.set(
      p.name,
      (await cache.matched(p)).map((e) => ({ id: e.instance.id, name: e.instance.name })),
    );
  return out;
}
