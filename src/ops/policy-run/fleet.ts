import type { InstanceRunResult } from '../../policy/run-types.js';
import { CcsnapError, toCcsnapError } from '../../errors.js';
import { instanceJobId } from '../../fleet/job-id.js';
import type { InstanceJobData } from '../../fleet/queue.js';
import { sleep } from '../../util/abort.js';
import { createKeyedLimiter, type Limiter } from '../../util/limit.js';
import { recoverOperations } from '../recover.js';
import type { RunContext } from './context.js';
import { runInstance, type InstanceJob } from './instance.js';

/**
 * Many workers on one PostgreSQL journal: the runner that owns an occurrence queues one job per instance
 * (pg-boss; the job id is the idempotency key of policy, instance and occurrence), any worker serves it,
 * records the instance's outcome in the journal, and the owner finishes the occurrence from those records.
 */

/** Queues the occurrence's instance jobs (a job queued already, by a runner that died, is not queued twice). */
export async function queueInstanceJobs(ctx: RunContext, jobs: readonly InstanceJob[]): Promise<void> {
  const queue = await ctx.rt.fleetQueue();
  await queue.enqueue(jobs.map((j) => ({ id: instanceJobId(j.policy.name, j.instance.id, j.occurrence), data: jobDataOf(j), startAfter: j.startAt })));
}

/**
 * Waits until every instance of the occurrence has its outcome in the journal, or until the window closed
 * and a job lease more passed (then the rest are recorded unserved). Interrupted (the runner stops), it
 * returns what it has: the occurrence stays running and is adopted later, its jobs stay queued.
 */
export async function collectInstanceResults(ctx: RunContext, jobs: readonly InstanceJob[]): Promise<Map<string, InstanceRunResult> | undefined> {
  const journal = ctx.rt.journal();
  const { pollMs, jobLeaseMs } = ctx.rt.settings.fleet;
  const first = jobs[0];
  if (!first) return new Map();
  const deadline = Math.max(...jobs.map((j) => j.retryUntil.getTime())) + jobLeaseMs;
  for (;;) {
    const records = await journal.listInstanceResults(first.policy.name, first.occurrence);
    const got = new Map(records.map((r) => [r.instanceId, r.result as InstanceRunResult]));
    if (jobs.every((j) => got.has(j.instance.id))) return got;
    if (ctx.signal?.aborted) return undefined;
    if (ctx.clock.now().getTime() > deadline) return withUnserved(got, jobs);
    await sleep(pollMs, ctx.signal).catch(() => undefined);
  }
}

function withUnserved(got: Map<string, InstanceRunResult>, jobs: readonly InstanceJob[]): Map<string, InstanceRunResult> {
  for (const j of jobs) {
    if (got.has(j.instance.id)) continue;
    got.set(j.instance.id, {
      instanceId: j.instance.id,
      instanceName: j.instance.name,
      outcome: 'missed',
      setId: null,
      consistency: null,
      startAt: j.startAt.toISOString(),
      attempts: 0,
      errorCode: 'CCSNAP_FLEET_UNSERVED',
      message: `no worker served it before ${j.retryUntil.toISOString()}`,
    });
  }
  return got;
}

function jobDataOf(j: InstanceJob): InstanceJobData {
  return {
    policy: j.policy.name,
    occurrence: j.occurrence,
    instanceId: j.instance.id,
    instanceName: j.instance.name,
    host: j.instance.host,
    startAt: j.startAt.toISOString(),
    retryUntil: j.retryUntil.toISOString(),
  };
}

/** A worker: serves instance jobs from the queue with its own run context (and its per-host limiters). */
export function createInstanceJobHandler(ctx: RunContext): (data: InstanceJobData, job: { retryCount: number }) => Promise<void> {
  const limits = new Map<string, (host: string) => Limiter>();
  return async (data, meta) => {
    const policy = ctx.rt.settings.policies.find((p) => p.name === data.policy);
    if (!policy) {
      const e = new CcsnapError('CCSNAP_POLICY_NOT_FOUND', `this worker has no policy ${data.policy} (do the workers share one config?)`);
      throw e; // another worker, whose config has it, takes the job
    }
    let limit = limits.get(policy.name);
    if (!limit) {
      const perHost = createKeyedLimiter(policy.create.perHost);
      limit = (host) => perHost(host);
      limits.set(policy.name, limit);
    }
    const job: InstanceJob = {
      policy,
      occurrence: data.occurrence,
      instance: { id: data.instanceId, name: data.instanceName, host: data.host },
      startAt: new Date(data.startAt),
      retryUntil: new Date(data.retryUntil),
    };
    await serveInstanceJob(ctx, job, limit, meta.retryCount);
  };
}

/**
 * One instance's job on a worker. A set of this occurrence a dead worker left half-made is recovered first
 * (recover touches only operations whose owner's lease expired). A busy instance is retried here for half a
 * job lease at most; then the job goes back to the queue (CCSNAP_FLEET_RETRY) while the window lasts, so a
 * job never outlives its lease. Interrupted before its freeze (the worker stops), the job goes back too.
 */
export async function serveInstanceJob(ctx: RunContext, job: InstanceJob, limit: (host: string) => Limiter, retries = 0): Promise<void> {
  const journal = ctx.rt.journal();
  await recoverAbandoned(ctx, job);
  const leaseEnd = ctx.clock.now().getTime() + ctx.rt.settings.fleet.jobLeaseMs / 2;
  const until = new Date(Math.min(job.retryUntil.getTime(), leaseEnd));
  const result = await runInstance(ctx, { ...job, retryUntil: until }, limit);
  const busy = result.outcome === 'missed' && result.errorCode === 'CCSNAP_LOCKED';
  const failedHere = result.outcome === 'failed' && (RETRY_BEFORE_FREEZE.has(result.errorCode ?? '') || retries < FAILED_ATTEMPTS - 1);
  if ((busy || failedHere) && ctx.clock.now().getTime() < job.retryUntil.getTime()) {
    const why = busy ? 'is busy' : `failed on this worker (attempt ${retries + 1})`;
    throw new CcsnapError('CCSNAP_FLEET_RETRY', `${job.instance.name} ${why} (${result.message ?? result.errorCode}); its job goes back to the queue`);
  }
  if (result.errorCode === 'CCSNAP_INTERRUPTED')
    throw new CcsnapError('CCSNAP_INTERRUPTED', `this worker is stopping; ${job.instance.name} goes back to the queue`);
  await journal.recordInstanceResult(job.policy.name, job.occurrence, job.instance.id, result);
}

/**
 * Failures of this worker that happen before any freeze (nothing was frozen or snapshotted): the job goes back
 * to the queue, for this or another worker, while the window lasts. Today: the worker's watchdog could not be
 * started or armed (a loaded machine), which makes ccsnap refuse to freeze.
 */
const RETRY_BEFORE_FREEZE: ReadonlySet<string> = new Set(['CCSNAP_WATCHDOG', 'CCSNAP_WATCHDOG_START']);

/**
 * Any other failure (a hypervisor or array call that timed out on this worker, a freeze window exceeded on a
 * loaded machine: each attempt thawed its guest and discarded its set) is tried again by the queue, by any
 * worker, up to this many attempts in all while the window lasts; then the failure is the instance's outcome.
 */
const FAILED_ATTEMPTS = 3;

async function recoverAbandoned(ctx: RunContext, job: InstanceJob): Promise<void> {
  const journal = ctx.rt.journal();
  const sets = await journal.listSets({ instanceId: job.instance.id, policy: job.policy.name, occurrence: job.occurrence });
  // Or the instance's lock is a dead owner's (killed, or fenced, before it journaled an operation).
  if (!sets.some((s) => s.state === 'creating') && (await journal.readLock(job.instance.id))?.ownerAlive !== false) return;
  try {
    for (const r of await recoverOperations(ctx.rt, { auto: true, ...(ctx.signal ? { signal: ctx.signal } : {}) })) {
      if (r.outcome !== 'skipped') ctx.log.info(`recovered ${r.kind} ${r.opId} of ${r.instanceName}: ${r.outcome}: ${r.detail}`);
    }
  } catch (err) {
    const e = toCcsnapError(err);
    ctx.log.warn(`recover before serving ${job.instance.name} failed: ${e.message} [${e.code}]`);
  }
}
