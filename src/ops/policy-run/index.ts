import { CcsnapError } from '../../errors.js';
import { adhocOccurrenceId, adhocTiming } from '../../policy/run-decide.js';
import type { PolicyRun, RunReport } from '../../policy/run-types.js';
import { compileSchedule } from '../../policy/schedule.js';
import type { Policy } from '../../policy/types.js';
import type { Runtime } from '../../runtime.js';
import { findPolicy } from '../policy.js';
import { activeOccurrences, createRunContext, newNonce, occurrenceKey, whileServing, type RunContext, type RunOptions } from './context.js';
import { createInstanceJobHandler } from './fleet.js';
import { serveOccurrence } from './occurrence.js';
import { applyRetention } from './retention.js';
import { runScheduledPolicy } from './scheduled.js';

export type { RunLog, RunOptions } from './context.js';
export { createRequestOf } from './instance.js';

export interface RunDueOptions extends RunOptions {
  /** Only these policies (default: every policy of the cloud). */
  policies?: string[];
}

/**
 * `ccsnap run-due`: for every policy (concurrently), what is due now, each occurrence exactly once (the
 * journal's compare-and-set decides between runners): missed ones recorded with the reason, the due one
 * served (spread, limits, busy retries), an interrupted one adopted and finished, then retention. Run it
 * twice in a row and the second run does nothing. Per-policy failures are in the report; this throws only
 * for a bad request (an unknown policy name).
 */
export async function runDue(rt: Runtime, opts: RunDueOptions = {}): Promise<RunReport> {
  const policies = opts.policies ? opts.policies.map((n) => findPolicy(rt, n)) : rt.settings.policies;
  const ctx = createRunContext(rt, opts);
  const startedAt = ctx.clock.now();
  const runs = await Promise.all(policies.map((p) => runScheduledPolicy(ctx, p)));
  return report(ctx, startedAt, runs);
}

/**
 * `ccsnap policy run NAME`: one occurrence of the policy now, outside its schedule, with an ad-hoc id
 * (`<policy>@adhoc-<instant>-<nonce>`) recorded like the scheduled ones; every matched instance starts at
 * once (no spread), busy ones are retried for the grace time; then retention. It never counts as the
 * policy's last scheduled occurrence, so the next scheduled one still runs.
 */
export async function runPolicy(rt: Runtime, name: string, opts: RunOptions = {}): Promise<RunReport> {
  return (await startPolicyRun(rt, name, opts)).done;
}

/**
 * `runPolicy` for a caller that does not wait (the daemon's "run this policy now"): the ad-hoc occurrence is
 * recorded and started before this returns (its id identifies the run); `done` settles with the report.
 * Throws CCSNAP_POLICY_NOT_FOUND for an unknown policy, before anything is recorded.
 */
export async function startPolicyRun(rt: Runtime, name: string, opts: RunOptions = {}): Promise<{ occurrence: string; done: Promise<RunReport> }> {
  const policy = findPolicy(rt, name);
  const ctx = createRunContext(rt, opts);
  const startedAt = ctx.clock.now();
  const occurrence = adhocOccurrenceId(policy.name, startedAt, newNonce());
  // Recorded already started by this process, in one write: no other runner ever sees it due (to start or
  // close it before this one does). Marked served here first, so a run of this process leaves it alone too.
  const key = occurrenceKey(policy.name, occurrence);
  activeOccurrences.add(key);
  try {
    if (!ctx.dryRun && !(await rt.journal().recordOccurrence({ policy: policy.name, occurrence, scheduledAt: startedAt.toISOString(), state: 'running' })))
      throw new CcsnapError('CCSNAP_INTERNAL', `could not record the ad-hoc occurrence ${occurrence}`);
  } catch (err) {
    activeOccurrences.delete(key);
    throw err;
  }
  const done = whileServing(policy.name, occurrence, () => runAdhoc(ctx, policy, occurrence, startedAt)).then((run) => report(ctx, startedAt, [run]));
  return { occurrence, done };
}

async function runAdhoc(ctx: RunContext, policy: Policy, occurrence: string, now: Date): Promise<PolicyRun> {
  const schedule = compileSchedule(policy.schedule, policy.timezone, now);
  const entries = await ctx.inventory.matched(policy);
  const occ = await serveOccurrence(ctx, { policy, occurrence, scheduledAt: now, how: 'ad-hoc', timing: adhocTiming(schedule, now) }, entries);
  const retention = occ.state === 'running' ? null : await applyRetention(ctx, policy, await ctx.inventory.matched(policy));
  return {
    policy: policy.name,
    missed: [],
    missedTruncated: false,
    occurrences: [occ],
    retention,
    next: schedule.next(ctx.clock.now())?.toISOString() ?? null,
    error: null,
  };
}

async function report(ctx: RunContext, startedAt: Date, policies: PolicyRun[]): Promise<RunReport> {
  const notifications = await Promise.all(ctx.deliveries);
  return { dryRun: ctx.dryRun, startedAt: startedAt.toISOString(), finishedAt: ctx.clock.now().toISOString(), policies, notifications };
}

/** True when a run did nothing: no occurrence served, none recorded missed, nothing pruned, no policy error. */
export function nothingHappened(r: RunReport): boolean {
  return r.policies.every(
    (p) => p.occurrences.length === 0 && p.missed.length === 0 && p.error === null && !(p.retention?.decisions.some((d) => d.action === 'prune') ?? false),
  );
}
export { policySchedules, scheduleStatus, policyInstances, type PolicyScheduleStatus } from './status.js';

/**
 * Makes this process one of the workers of a shared PostgreSQL journal: it serves the queued instance jobs of
 * every policy occurrence (whoever queued them), `fleet.concurrency` at a time, until the runtime closes
 * (which waits for the jobs in hand: their open freeze windows finish). Does nothing on a SQLite journal.
 */
export async function startPolicyWorker(rt: Runtime, opts: RunOptions = {}): Promise<boolean> {
  if (!rt.usesFleet()) return false;
  const ctx = createRunContext(rt, opts);
  const queue = await rt.fleetQueue();
  await queue.work(rt.settings.fleet.concurrency, createInstanceJobHandler(ctx));
  return true;
}
