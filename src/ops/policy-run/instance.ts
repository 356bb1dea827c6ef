import type { InstanceSnapshots } from '../../engine/catalog.js';
import { toCcsnapError } from '../../errors.js';
import { nextBusyAttempt } from '../../policy/run-decide.js';
import type { InstanceRunResult } from '../../policy/run-types.js';
import type { Policy } from '../../policy/types.js';
import type { Limiter } from '../../util/limit.js';
import { createOne, type CreateOutcome, type CreateRequest } from '../create.js';
import type { RunContext } from './context.js';

/** The create settings of a policy as a create request (the per-create options a policy sets). */
export function createRequestOf(policy: Policy): Pick<CreateRequest, 'freeze' | 'maxFreezeMs' | 'perHost' | 'concurrency' | 'bootOnly' | 'label'> {
  const c = policy.create;
  return { freeze: c.freeze, maxFreezeMs: c.maxFreezeMs, perHost: c.perHost, concurrency: c.concurrency, bootOnly: c.bootOnly, label: policy.name };
}

export interface InstanceJob {
  policy: Policy;
  occurrence: string;
  instance: { id: string; name: string; host: string | null };
  /** When it starts: the occurrence's base plus the instance's spread offset. */
  startAt: Date;
  /** A busy instance is retried until then. */
  retryUntil: Date;
}

/**
 * One instance of one occurrence: wait for its start, skip it when it already has a set for this
 * occurrence (an earlier run that died), create its set (bounded by `limit`), and retry it with back-off
 * while another operation holds it (CCSNAP_LOCKED) until `retryUntil`, then record it missed. Never throws.
 */
export async function runInstance(ctx: RunContext, job: InstanceJob, limit: (host: string) => Limiter): Promise<InstanceRunResult> {
  const base = baseResult(job);
  const served = await servedBy(ctx, job);
  if (served) return { ...base, ...served };
  if (ctx.dryRun) return { ...base, outcome: 'planned' };
  if (!(await waitUntil(ctx, job.startAt))) return interrupted(base);
  for (let attempts = 1; ; attempts++) {
    const again = await servedBy(ctx, job);
    if (again) return { ...base, ...again, attempts: attempts - 1 };
    const entry = await ctx.inventory.entry(job.instance.id).catch((err: unknown) => toCcsnapError(err));
    if (entry instanceof Error) return { ...base, attempts: attempts - 1, outcome: 'failed', errorCode: entry.code, message: entry.message };
    if (!entry) return { ...base, attempts: attempts - 1, outcome: 'missed', message: 'the instance is no longer listed by Nova' };
    const outcome = await limit(entry.instance.host ?? '')(() => createOne(ctx.rt, entry, createRequest(ctx, job)));
    const result = { ...base, ...resultOf(outcome), attempts };
    if (result.errorCode === 'CCSNAP_OCCURRENCE_SERVED') {
      const served = await servedBy(ctx, job);
      if (served) return { ...base, ...served, attempts };
    }
    if (ctx.signal?.aborted && result.outcome === 'failed') return { ...interrupted(base), attempts };
    if (result.errorCode !== 'CCSNAP_LOCKED' || result.outcome !== 'failed') return result;
    const next = nextBusyAttempt(attempts, ctx.clock.now(), job.retryUntil);
    if (!next) {
      return {
        ...result,
        outcome: 'missed',
        message: `busy until its window closed at ${job.retryUntil.toISOString()} (${attempts} attempt(s)): ${result.message}`,
      };
    }
    ctx.log.info(`${job.policy.name}: ${job.instance.name} is busy (${result.message}); trying again at ${next.toISOString()}`);
    if (!(await waitUntil(ctx, next))) return { ...interrupted(base), attempts };
  }
}

function createRequest(ctx: RunContext, job: InstanceJob): CreateRequest {
  return {
    instances: [job.instance.id],
    ...createRequestOf(job.policy),
    policy: { name: job.policy.name, occurrence: job.occurrence },
    now: () => ctx.clock.now(),
    // The run's stop is a drain: no new freeze after it, but an open window finishes and its set completes.
    ...(ctx.signal ? { drain: ctx.signal } : {}),
  };
}

/** Waits for `at`; false when the run was interrupted. */
async function waitUntil(ctx: RunContext, at: Date): Promise<boolean> {
  try {
    await ctx.clock.sleepUntil(at, ctx.signal);
    return !ctx.signal?.aborted;
  } catch {
    return false;
  }
}

/**
 * The set this instance already has for this occurrence: complete (an earlier run made it before it
 * died: never a duplicate), or still being created by another runner. A failed set does not count
 * (create cleaned it up, all-or-nothing): the instance is tried again.
 */
async function servedBy(ctx: RunContext, job: InstanceJob): Promise<Partial<InstanceRunResult> | undefined> {
  const sets = await ctx.rt.journal().listSets({ instanceId: job.instance.id, policy: job.policy.name, occurrence: job.occurrence });
  const complete = sets.find((s) => s.state === 'complete');
  if (complete) return { outcome: 'already-done', setId: complete.id, consistency: complete.consistency };
  const creating = sets.find((s) => s.state === 'creating');
  if (creating) {
    return {
      outcome: 'missed',
      setId: creating.id,
      errorCode: 'CCSNAP_LOCKED',
      message: `set ${creating.id} for this occurrence is still being created (operation ${creating.opId}); if its ccsnap died, run "ccsnap recover"`,
    };
  }
  return undefined;
}

function resultOf(outcome: CreateOutcome): Partial<InstanceRunResult> {
  if (outcome.kind === 'error') return { outcome: 'failed', errorCode: outcome.error.code, message: outcome.error.message };
  if (outcome.kind === 'plan') return { outcome: 'planned' };
  const r = outcome.result;
  if (r.state === 'complete') {
    // A complete set whose thaw is not confirmed yet keeps the warning (the watchdog goes on checking).
    return { outcome: 'created', setId: r.setId, consistency: r.consistency, errorCode: r.error?.code ?? null, message: r.error?.message ?? null };
  }
  return { outcome: 'failed', setId: r.setId, errorCode: r.error?.code ?? 'CCSNAP_CREATE_FAILED', message: r.error?.message ?? r.reason ?? 'the set failed' };
}

function baseResult(job: InstanceJob): InstanceRunResult {
  return {
    instanceId: job.instance.id,
    instanceName: job.instance.name,
    outcome: 'planned',
    setId: null,
    consistency: null,
    startAt: job.startAt.toISOString(),
    attempts: 0,
    errorCode: null,
    message: null,
  };
}

function interrupted(base: InstanceRunResult): InstanceRunResult {
  return { ...base, outcome: 'missed', errorCode: 'CCSNAP_INTERRUPTED', message: 'the run was interrupted before this instance was served' };
}

/** The job of one instance, from its inventory entry. */
export function jobOf(policy: Policy, occurrence: string, entry: InstanceSnapshots, startAt: Date, retryUntil: Date): InstanceJob {
  return { policy, occurrence, instance: { id: entry.instance.id, name: entry.instance.name, host: entry.instance.host }, startAt, retryUntil };
}
