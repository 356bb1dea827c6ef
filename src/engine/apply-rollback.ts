import { randomUUID } from 'node:crypto';
import { CcsnapError, toCcsnapError, type CodedError } from '../errors.js';
import type { Journal, StepTiming } from '../journal/index.js';
import type { RollbackPlan } from './plan-rollback.js';
import type { ArrayPort, ComputePort, HypervisorPort } from './ports.js';
import { takeOfflineSet, type OfflineSetResult } from './offline-set.js';
import { StepClock } from './steps.js';
import { withDeadline } from '../util/deadline.js';

export interface RollbackDeps {
  journal: Journal;
  array(name: string): ArrayPort;
  compute: ComputePort;
  /** Used to check that the libvirt domain really stopped before its disks are rolled back. */
  hypervisor?: HypervisorPort;
  /** Array volumes of the instance, for the safety set. */
  safetyMembers?: Array<{ volumeId: string; arrayName: string; fsId: string }>;
  signal?: AbortSignal;
  timeouts: { powerMs: number; arrayMs: number };
}

export type VolumeRollbackState = 'pending' | 'rolled-back' | 'failed';

export interface RollbackResult {
  opId: string;
  setId: string;
  instanceId: string;
  instanceName: string;
  state: 'done' | 'failed';
  instanceLeft: 'ACTIVE' | 'SHUTOFF';
  volumes: Array<{ volumeId: string; target: string; state: VolumeRollbackState; discarded: string[]; error?: string }>;
  safetySet?: OfflineSetResult;
  steps: StepTiming[];
  error?: CodedError;
}

/** Runs a rollback plan; on a failure half-way it stops, leaves the instance stopped, and keeps the lock for `recover`. */
export async function applyRollback(plan: RollbackPlan, deps: RollbackDeps): Promise<RollbackResult> {
  const opId = randomUUID();
  await deps.journal.acquireLock(plan.instance.id, opId);
  await deps.journal.insertOperation({
    id: opId,
    kind: 'rollback',
    instanceId: plan.instance.id,
    instanceName: plan.instance.name,
    host: plan.instance.host,
    domain: plan.instance.domain,
    plan,
  });
  return runRollback(plan, deps, opId, new Set());
}

/** Continues a rollback a previous run left half-way (used by recover). */
export async function resumeRollback(plan: RollbackPlan, deps: RollbackDeps, opId: string): Promise<RollbackResult> {
  const done = new Set(
    (await deps.journal.listSteps(opId)).filter((s) => s.name === 'rollback-volume' && s.status === 'ok').map((s) => String(s.detail?.volumeId)),
  );
  return runRollback({ ...plan, stop: true, safety: { take: false, reason: 'resumed' } }, deps, opId, done);
}

async function runRollback(plan: RollbackPlan, deps: RollbackDeps, opId: string, alreadyDone: Set<string>): Promise<RollbackResult> {
  const states = new Map<string, { state: VolumeRollbackState; error?: string }>(
    plan.volumes.map((v) => [v.volumeId, { state: alreadyDone.has(v.volumeId) ? 'rolled-back' : 'pending' }]),
  );
  // Each step is journaled as it ends: a resumed rollback skips the volumes already rolled back.
  const clock = new StepClock((s) => deps.journal.recordStep(opId, s));
  const step: Step = (name, fn, detail = {}) => clock.time(name, fn, detail);
  const steps = clock.steps;
  let safetySet: OfflineSetResult | undefined;
  try {
    await deps.journal.setOperationState(opId, 'stopping');
    await stopInstance(plan, deps, step);
    if (plan.safety.take && deps.safetyMembers?.length) {
      safetySet = await step('safety-set', () =>
        takeOfflineSet(deps.journal, deps, { instance: plan.instance, opId, members: deps.safetyMembers!, label: `safety_before_${plan.setId}` }),
      );
    }
    // Nothing appeared since the plan: otherwise the rollback would destroy a snapshot nobody named.
    for (const v of plan.volumes) if (states.get(v.volumeId)!.state === 'pending') await recheckNewer(deps, v);
    await deps.journal.setOperationState(opId, 'rolling-back');
    for (const v of plan.volumes) {
      if (states.get(v.volumeId)!.state === 'rolled-back') continue;
      try {
        if (v.discardBy === 'ccsnap') {
          for (const d of [...v.discard].reverse()) {
            await step(
              'discard-newer',
              () => withDeadline(deps.timeouts.arrayMs, undefined, (signal) => deps.array(v.arrayName).deleteSnapshot({ fsId: v.fsId, path: d.path, signal })),
              { volumeId: v.volumeId, path: d.path },
            );
            await deps.journal.markSnapshotGone(d.name);
          }
        }
        await step(
          'rollback-volume',
          () =>
            withDeadline(deps.timeouts.arrayMs, undefined, (signal) =>
              deps.array(v.arrayName).rollbackToSnapshot({ fsId: v.fsId, path: v.target.path, signal }),
            ),
          { volumeId: v.volumeId, path: v.target.path },
        );
        states.set(v.volumeId, { state: 'rolled-back' });
        if (v.discardBy === 'array') for (const d of v.discard) await deps.journal.markSnapshotGone(d.name);
      } catch (err) {
        states.set(v.volumeId, { state: 'failed', error: (err as Error).message });
        throw err;
      }
    }
    if (plan.start) {
      await deps.journal.setOperationState(opId, 'starting');
      await step('start', () => withDeadline(deps.timeouts.powerMs, undefined, (signal) => deps.compute.start(plan.instance.id, { signal })));
      await step('wait-active', () => deps.compute.waitForStatus(plan.instance.id, 'ACTIVE', { deadlineMs: deps.timeouts.powerMs }));
    }
    await deps.journal.finishOperation(opId, { state: 'done', result: { volumes: [...states] } });
    await deps.journal.releaseLock(plan.instance.id, opId);
    return result(plan, opId, states, steps, 'done', plan.start ? 'ACTIVE' : 'SHUTOFF', safetySet);
  } catch (err) {
    const cause = toCcsnapError(err);
    const anyRolled = [...states.values()].some((s) => s.state === 'rolled-back');
    const error: CodedError = {
      code: anyRolled || [...states.values()].some((s) => s.state === 'failed') ? 'CCSNAP_ROLLBACK_INCOMPLETE' : cause.code,
      message: `rollback of ${plan.instance.name} to set ${plan.setId} stopped: ${cause.message}; the instance is left stopped`,
    };
    const touched = [...states.values()].some((s) => s.state !== 'pending');
    if (!touched) {
      // No disk was changed: the operation is over (the instance may be left stopped).
      await deps.journal.finishOperation(opId, { state: 'failed', errorCode: cause.code, errorMessage: cause.message, result: { volumes: [...states] } });
      await deps.journal.releaseLock(plan.instance.id, opId);
      return result(plan, opId, states, steps, 'failed', 'SHUTOFF', safetySet, {
        code: cause.code,
        message: `rollback of ${plan.instance.name} to set ${plan.setId} failed before any volume was changed: ${cause.message}`,
      });
    }
    // The operation stays unfinished and keeps its lock, so nothing else touches a half-rolled-back instance.
    await deps.journal.recordOperationError(opId, { errorCode: error.code, errorMessage: error.message, result: { volumes: [...states] } });
    return result(plan, opId, states, steps, 'failed', 'SHUTOFF', safetySet, error);
  }
}

/** Runs one timed, journaled step of the rollback. */
type Step = <T>(name: string, fn: () => Promise<T>, detail?: Record<string, unknown>) => Promise<T>;

async function stopInstance(plan: RollbackPlan, deps: RollbackDeps, step: Step): Promise<void> {
  const status = await withDeadline(deps.timeouts.powerMs, undefined, (signal) => deps.compute.getStatus(plan.instance.id, { signal }));
  if (status !== 'SHUTOFF') {
    await step('stop', () => withDeadline(deps.timeouts.powerMs, undefined, (signal) => deps.compute.stop(plan.instance.id, { signal })));
    await step('wait-shutoff', () => deps.compute.waitForStatus(plan.instance.id, 'SHUTOFF', { deadlineMs: deps.timeouts.powerMs }));
  }
  if (!deps.hypervisor) return;
  const state = await step('check-domain-stopped', () =>
    withDeadline(deps.timeouts.powerMs, undefined, (signal) => deps.hypervisor!.domainState(plan.instance.domain, { signal })).catch((err: unknown) => {
      if ((err as { code?: string }).code === 'CCSNAP_HV_DOMAIN_NOT_FOUND') return 'absent';
      throw err;
    }),
  );
  if (state === 'running' || state === 'paused') {
    throw new CcsnapError(
      'CCSNAP_DOMAIN_STILL_RUNNING',
      `Nova reports ${plan.instance.name} SHUTOFF but libvirt domain ${plan.instance.domain} is ${state}; refusing to roll back disks under a running guest`,
    );
  }
}

function result(
  plan: RollbackPlan,
  opId: string,
  states: Map<string, { state: VolumeRollbackState; error?: string }>,
  steps: StepTiming[],
  state: 'done' | 'failed',
  instanceLeft: 'ACTIVE' | 'SHUTOFF',
  safetySet?: OfflineSetResult,
  error?: CodedError,
): RollbackResult {
  return {
    opId,
    setId: plan.setId,
    instanceId: plan.instance.id,
    instanceName: plan.instance.name,
    state,
    instanceLeft,
    volumes: plan.volumes.map((v) => ({
      volumeId: v.volumeId,
      target: v.target.path,
      state: states.get(v.volumeId)!.state,
      discarded: v.discard.map((d) => d.path),
      ...(states.get(v.volumeId)!.error ? { error: states.get(v.volumeId)!.error! } : {}),
    })),
    ...(safetySet ? { safetySet } : {}),
    steps,
    ...(error ? { error } : {}),
  };
}

/**
 * Before any disk is touched, the snapshots newer than each target must be exactly those
 * the plan named (a snapshot another tool took since the plan would otherwise be destroyed unnamed).
 * Arrays that keep newer snapshots lose nothing, so they are not checked.
 */
async function recheckNewer(deps: RollbackDeps, v: RollbackPlan['volumes'][number]): Promise<void> {
  if (v.semantics === 'keep-newer') return;
  const snaps = await withDeadline(deps.timeouts.arrayMs, undefined, (signal) => deps.array(v.arrayName).listStorageSnapshots({ fsId: v.fsId, signal }));
  const at = snaps.findIndex((s) => s.path === v.target.path);
  if (at < 0)
    throw new CcsnapError(
      'CCSNAP_SNAPSHOT_MISSING',
      `snapshot ${v.target.path} is no longer on array ${v.arrayName}; volume ${v.volumeId} was not rolled back`,
    );
  const named = new Set(v.discard.map((d) => d.path));
  const unnamed = snaps
    .slice(at + 1)
    .filter((s) => !named.has(s.path))
    .map((s) => s.path);
  if (unnamed.length) {
    throw new CcsnapError(
      'CCSNAP_ROLLBACK_PLAN_STALE',
      `snapshot(s) ${unnamed.join(', ')} appeared on volume ${v.volumeId} after the plan was made; the rollback would destroy them, so it stopped (plan again)`,
      { details: { unnamed } },
    );
  }
}
