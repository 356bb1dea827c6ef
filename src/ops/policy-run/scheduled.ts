import { hostname } from 'node:os';
import { toCcsnapError } from '../../errors.js';
import type { OccurrenceRecord } from '../../journal/types.js';
import { isProcessAlive } from '../../journal/index.js';
import { computeDue, type DueOccurrence } from '../../policy/due.js';
import { decideResume, lastScheduled, runTiming, type ResumeAction } from '../../policy/run-decide.js';
import type { MissedRecord, OccurrenceRun, PolicyRun } from '../../policy/run-types.js';
import { compileSchedule, type Schedule } from '../../policy/schedule.js';
import type { Policy } from '../../policy/types.js';
import { recoverOperations } from '../recover.js';
import { activeOccurrences, occurrenceKey, whileServing, type RunContext } from './context.js';
import { notifyMissed } from './notify.js';
import { closeOccurrence, serveOccurrence, type OccurrenceSpec } from './occurrence.js';
import { applyRetention } from './retention.js';

/** How many of a policy's newest records are read to find its last scheduled occurrence (ad-hoc ones are skipped). */
const LAST_HANDLED_WINDOW = 50;

/**
 * One policy in run-due: first the occurrences the journal records as due or running (a runner that
 * stopped or died: started, adopted, closed or left to its live owner), then what is due now
 * (computeDue from the last scheduled occurrence handled): older ones recorded missed with the reason,
 * the latest recorded due, started (only one runner wins) and served. Then retention, when an
 * occurrence was served. A failure of the policy (the cloud did not answer) is its report's error.
 */
export async function runScheduledPolicy(ctx: RunContext, policy: Policy): Promise<PolicyRun> {
  const run: PolicyRun = { policy: policy.name, missed: [], missedTruncated: false, occurrences: [], retention: null, next: null, error: null };
  try {
    const schedule = compileSchedule(policy.schedule, policy.timezone, ctx.clock.now());
    await resumeRecorded(ctx, policy, schedule, run);
    await runDueNow(ctx, policy, schedule, run);
    if (run.occurrences.some((o) => o.state !== 'running')) run.retention = await applyRetention(ctx, policy, await ctx.inventory.matched(policy));
    run.next = schedule.next(ctx.clock.now())?.toISOString() ?? null;
  } catch (err) {
    const e = toCcsnapError(err);
    run.error = { code: e.code, message: e.message };
  }
  return run;
}

async function resumeRecorded(ctx: RunContext, policy: Policy, schedule: Schedule, run: PolicyRun): Promise<void> {
  const open = (await ctx.rt.journal().listOccurrences({ policy: policy.name, states: ['due', 'running'] })).reverse();
  for (const record of open) {
    const now = ctx.clock.now();
    const { action, reason } = decideResume({ record, latest: schedule.latest(now), ownerGone: ownerGone(record), fleet: ctx.rt.usesFleet() });
    const occ = await resumeOne(ctx, policy, schedule, record, action, reason);
    if (occ) run.occurrences.push(occ);
  }
}

async function resumeOne(
  ctx: RunContext,
  policy: Policy,
  schedule: Schedule,
  record: OccurrenceRecord,
  action: ResumeAction,
  reason: string,
): Promise<OccurrenceRun | undefined> {
  const at = new Date(record.scheduledAt);
  const base = { policy, occurrence: record.occurrence, scheduledAt: at };
  if (action === 'leave') {
    return {
      policy: policy.name,
      occurrence: record.occurrence,
      scheduledAt: record.scheduledAt,
      how: 'left',
      state: 'running',
      reason: `${reason} (pid ${record.pid} on ${record.hostname})`,
      instances: [],
    };
  }
  if (!ctx.dryRun && !(await take(ctx, record))) return undefined;
  return whileServing(policy.name, record.occurrence, async () => {
    if (action === 'adopt' || (record.state === 'running' && action === 'close')) await recoverOnce(ctx);
    const entries = await ctx.inventory.matched(policy);
    const timing = runTiming(schedule, at, policy.spreadMs, ctx.clock.now());
    if (action === 'close') return closeOccurrence(ctx, { ...base, how: 'closed', timing }, entries, reason);
    const how = action === 'adopt' ? 'adopted' : timing.late ? 'late' : 'on-time';
    ctx.log.info(`${policy.name}: ${record.occurrence}: ${reason}`);
    return serveOccurrence(ctx, { ...base, how, timing }, entries);
  });
}

/** Takes a recorded occurrence over: due → running (compare-and-set), or a dead owner's running one (compare-and-set on that owner). */
function take(ctx: RunContext, record: OccurrenceRecord): Promise<boolean> {
  const journal = ctx.rt.journal();
  if (record.state === 'due') return journal.startOccurrence(record.policy, record.occurrence);
  return journal.adoptOccurrence(record.policy, record.occurrence, { pid: record.pid, hostname: record.hostname, ownerId: record.ownerId });
}

/**
 * Before serving a dead runner's occurrence: the cheap recovery pass (thaw its guests, complete or clean
 * its half-made sets, release its locks), so a half-made set is never made twice. Once per run.
 */
async function recoverOnce(ctx: RunContext): Promise<void> {
  if (ctx.recovered) return;
  ctx.recovered = true;
  for (const r of await recoverOperations(ctx.rt, { auto: true, ...(ctx.signal ? { signal: ctx.signal } : {}) })) {
    if (r.outcome !== 'skipped') ctx.log.info(`recovered ${r.kind} ${r.opId} of ${r.instanceName}: ${r.outcome}: ${r.detail}`);
  }
}

/**
 * A running occurrence's owner is gone when it is a dead process on this machine, or this very process
 * no longer serving it (an interrupted run in a long-lived process). An owner on another machine is never judged.
 */
function ownerGone(record: OccurrenceRecord): boolean {
  if (record.state !== 'running') return false;
  // A shared journal knows the owner's lease (its own occurrences a process judges as before).
  if (record.ownerAlive != null && !(record.pid === process.pid && record.hostname === hostname())) return !record.ownerAlive;
  if (record.hostname !== hostname()) return false;
  if (record.pid === null) return true;
  if (record.pid === process.pid) return !activeOccurrences.has(occurrenceKey(record.policy, record.occurrence));
  return !isProcessAlive(record.pid);
}

async function runDueNow(ctx: RunContext, policy: Policy, schedule: Schedule, run: PolicyRun): Promise<void> {
  const journal = ctx.rt.journal();
  const now = ctx.clock.now();
  const due = computeDue({
    policy: policy.name,
    schedule,
    missed: policy.missed,
    spreadMs: policy.spreadMs,
    lastHandled: await lastHandledOf(ctx, policy),
    now,
  });
  const missed: MissedRecord[] = [];
  for (const m of due.missed) {
    const record = { occurrence: m.id, scheduledAt: m.at.toISOString(), reason: m.reason };
    if (
      ctx.dryRun ||
      (await journal.recordOccurrence({ policy: policy.name, occurrence: m.id, scheduledAt: record.scheduledAt, state: 'missed', reason: m.reason }))
    )
      missed.push(record);
  }
  run.missed = missed;
  run.missedTruncated = due.missedTruncated;
  if (missed.length > 0)
    ctx.log.warn(
      `${policy.name}: ${missed.length}${due.missedTruncated ? '+' : ''} occurrence(s) missed, the latest ${missed.at(-1)!.occurrence}: ${missed.at(-1)!.reason}`,
    );
  notifyMissed(ctx, policy, missed);
  for (const d of due.due) {
    const occ = await startDue(ctx, policy, schedule, d);
    if (occ) run.occurrences.push(occ);
  }
}

/** Records the due occurrence and starts it; only the runner whose startOccurrence wins serves it. */
async function startDue(ctx: RunContext, policy: Policy, schedule: Schedule, d: DueOccurrence): Promise<OccurrenceRun | undefined> {
  const journal = ctx.rt.journal();
  if (!ctx.dryRun) {
    await journal.recordOccurrence({ policy: policy.name, occurrence: d.id, scheduledAt: d.at.toISOString(), state: 'due' });
    if (!(await journal.startOccurrence(policy.name, d.id))) {
      ctx.log.info(`${policy.name}: ${d.id} was taken by another runner`);
      return undefined;
    }
  }
  return whileServing(policy.name, d.id, async () => {
    const timing = runTiming(schedule, d.at, policy.spreadMs, ctx.clock.now());
    const spec: OccurrenceSpec = { policy, occurrence: d.id, scheduledAt: d.at, how: d.late ? 'late' : 'on-time', timing };
    return serveOccurrence(ctx, spec, await ctx.inventory.matched(policy));
  });
}

/** The newest recorded scheduled occurrence of the policy (ad-hoc runs never count). */
async function lastHandledOf(ctx: RunContext, policy: Policy): Promise<Date | null> {
  const journal = ctx.rt.journal();
  const recent = await journal.listOccurrences({ policy: policy.name, limit: LAST_HANDLED_WINDOW });
  const found = lastScheduled(recent);
  if (found || recent.length < LAST_HANDLED_WINDOW) return found;
  return lastScheduled(await journal.listOccurrences({ policy: policy.name }));
}
