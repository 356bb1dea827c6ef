import type { InstanceSnapshots } from '../../engine/catalog.js';
import { summarizeOccurrence, type RunTiming } from '../../policy/run-decide.js';
import type { InstanceRunResult, OccurrenceHow, OccurrenceRun } from '../../policy/run-types.js';
import { spreadStart } from '../../policy/spread.js';
import type { Policy } from '../../policy/types.js';
import { createKeyedLimiter, createLimiter, type Limiter } from '../../util/limit.js';
import type { RunContext } from './context.js';
import { collectInstanceResults, queueInstanceJobs } from './fleet.js';
import { jobOf, runInstance, type InstanceJob } from './instance.js';
import { notifyOccurrence } from './notify.js';

export interface OccurrenceSpec {
  policy: Policy;
  occurrence: string;
  scheduledAt: Date;
  how: OccurrenceHow;
  timing: RunTiming;
}

/**
 * Serves one occurrence the caller owns (it won startOccurrence, or adopted it, and marks it with
 * whileServing): every matched instance
 * at its spread offset (none for an ad-hoc run), bounded by the policy's concurrency and per-host limits,
 * then records the per-instance results with finishOccurrence and raises the notifications. Interrupted,
 * it leaves the occurrence running: the next run adopts it and serves what is left (no duplicate set).
 */
export async function serveOccurrence(ctx: RunContext, spec: OccurrenceSpec, entries: InstanceSnapshots[]): Promise<OccurrenceRun> {
  const { policy } = spec;
  if (!ctx.dryRun && entries.length > 0) ctx.rt.watchdog().warm();
  const limit = limiterOf(policy);
  const jobs = entries.map((e) => jobOf(policy, spec.occurrence, e, startOf(spec, e.instance.id), spec.timing.retryUntil));
  // Started in start order, so the limiters' queues serve instances in the order their offsets fall;
  // reported in the inventory's order.
  const byStart = [...jobs].sort((a, b) => a.startAt.getTime() - b.startAt.getTime());
  if (!ctx.dryRun && ctx.rt.usesFleet()) return serveOnFleet(ctx, spec, byStart, jobs);
  const done = new Map(await Promise.all(byStart.map(async (job) => [job, await runInstance(ctx, job, limit)] as const)));
  return finish(
    ctx,
    spec,
    jobs.map((job) => done.get(job)!),
  );
}

/** The workers serve the instances (any of them, queued by start time); this runner collects their outcomes. */
async function serveOnFleet(ctx: RunContext, spec: OccurrenceSpec, byStart: InstanceJob[], jobs: InstanceJob[]): Promise<OccurrenceRun> {
  await queueInstanceJobs(ctx, byStart);
  ctx.log.info(`${spec.policy.name}: ${spec.occurrence}: ${jobs.length} instance job(s) queued for the workers`);
  const got = await collectInstanceResults(ctx, jobs);
  const instances = jobs.map((j) => got?.get(j.instance.id) ?? interruptedResult(j));
  return finish(ctx, spec, instances);
}

function interruptedResult(j: InstanceJob): InstanceRunResult {
  return {
    instanceId: j.instance.id,
    instanceName: j.instance.name,
    outcome: 'missed',
    setId: null,
    consistency: null,
    startAt: j.startAt.toISOString(),
    attempts: 0,
    errorCode: 'CCSNAP_INTERRUPTED',
    message: 'the runner stopped before this instance was served; its job stays queued',
  };
}

/**
 * Finishes an occurrence that will not run any more (superseded by a newer one, or an ad-hoc run whose
 * runner died): instances that got their set keep it, the others are recorded missed with the reason.
 */
export async function closeOccurrence(ctx: RunContext, spec: OccurrenceSpec, entries: InstanceSnapshots[], why: string): Promise<OccurrenceRun> {
  const instances: InstanceRunResult[] = [];
  for (const e of entries) {
    const sets = await ctx.rt.journal().listSets({ instanceId: e.instance.id, policy: spec.policy.name, occurrence: spec.occurrence });
    const set = sets.find((s) => s.state === 'complete');
    instances.push({
      instanceId: e.instance.id,
      instanceName: e.instance.name,
      outcome: set ? 'already-done' : 'missed',
      setId: set?.id ?? null,
      consistency: set?.consistency ?? null,
      startAt: spec.timing.base.toISOString(),
      attempts: 0,
      errorCode: null,
      message: set ? null : why,
    });
  }
  return finish(ctx, spec, instances, why);
}

async function finish(ctx: RunContext, spec: OccurrenceSpec, instances: InstanceRunResult[], why?: string): Promise<OccurrenceRun> {
  const base = { policy: spec.policy.name, occurrence: spec.occurrence, scheduledAt: spec.scheduledAt.toISOString(), how: spec.how, instances };
  if (ctx.dryRun) return { ...base, state: 'planned', reason: why ?? null };
  if (ctx.signal?.aborted) {
    return { ...base, state: 'running', reason: 'interrupted: the next run adopts this occurrence and serves the instances left' };
  }
  const summary = summarizeOccurrence(instances);
  const reason = why && summary.reason ? `${why}; ${summary.reason}` : (why ?? summary.reason);
  await ctx.rt.journal().finishOccurrence(spec.policy.name, spec.occurrence, { state: summary.state, reason, result: { instances } });
  const run: OccurrenceRun = { ...base, state: summary.state, reason };
  await notifyOccurrence(ctx, spec.policy, run);
  return run;
}

function startOf(spec: OccurrenceSpec, instanceId: string): Date {
  if (spec.how === 'ad-hoc') return spec.timing.base;
  return spreadStart(spec.timing.base, spec.policy.name, instanceId, spec.policy.spreadMs);
}

/** The host slot first, then a global one: a task waiting for a busy host must not hold a global slot. */
function limiterOf(policy: Policy): (host: string) => Limiter {
  const global = createLimiter(policy.create.concurrency);
  const perHost = createKeyedLimiter(policy.create.perHost);
  return (host) => (task) => perHost(host)(() => global(task));
}
