import { toCcsnapError, type CcsnapErrorCode, type CodedError } from '../errors.js';
import type { Journal, OperationKind } from '../journal/index.js';
import { withDeadline } from '../util/deadline.js';
import { resumeRollback } from './apply-rollback.js';
import { cleanupMembers } from './members.js';
import type { RecoverDecision, RecoverGuard, SetRepair } from './plan-recover.js';
import type { ArrayPort, ComputePort, HypervisorPort } from './ports.js';
import { StepClock } from './steps.js';
import { guardThaw, type ThawedBy, type ThawOutcome } from './thaw.js';

export interface RecoverDeps {
  journal: Journal;
  hypervisorFor(host: string | null): HypervisorPort;
  array(name: string): ArrayPort;
  /** Nova power actions; opened only when a rollback is resumed (it needs an OpenStack session). */
  compute(signal?: AbortSignal): Promise<ComputePort>;
  signal?: AbortSignal;
  /** powerMs, arrayMs: a resumed rollback's bounds; cleanupMs: deleting the snapshots of an interrupted set. */
  timeouts: { powerMs: number; arrayMs: number; cleanupMs: number };
}

export interface RecoverReport {
  opId: string;
  /** The operation's kind, or `lock`: a lock a dead ccsnap took before it journaled any operation. */
  kind: OperationKind | 'lock';
  instanceId: string;
  instanceName: string;
  startedAt: string;
  action: string;
  outcome: 'recovered' | 'skipped' | 'failed';
  /** Why recover acted on this operation, or left it (see engine/plan-recover). */
  code: CcsnapErrorCode;
  detail: string;
  /** Set when the outcome is 'failed'. */
  error?: CodedError;
}

type Done = Pick<RecoverReport, 'action' | 'outcome' | 'detail' | 'error'>;

/**
 * Carries recover's decisions out, one operation after the other: guards guests, repairs sets, closes operations,
 * resumes rollbacks. Each step is journaled on the operation it repairs as it ends. One report per decision that is
 * not ignored; a failure is reported and the next decision still runs.
 */
export async function applyRecover(decisions: RecoverDecision[], deps: RecoverDeps): Promise<RecoverReport[]> {
  const reports: RecoverReport[] = [];
  for (const d of decisions) {
    if (d.kind === 'ignore') continue;
    const base = { opId: d.op.id, kind: d.op.kind, instanceId: d.op.instanceId, instanceName: d.op.instanceName, startedAt: d.op.startedAt, code: d.code };
    if (d.kind === 'skip') {
      reports.push({ ...base, action: 'none', outcome: 'skipped', detail: d.reason });
      continue;
    }
    try {
      reports.push({ ...base, ...(await carryOut(d, deps)) });
    } catch (err) {
      const e = toCcsnapError(err);
      reports.push({ ...base, action: 'recover', outcome: 'failed', detail: `${e.message} [${e.code}]`, error: { code: e.code, message: e.message } });
    }
  }
  return reports;
}

async function carryOut(d: Exclude<RecoverDecision, { kind: 'ignore' | 'skip' }>, deps: RecoverDeps): Promise<Done> {
  const clock = new StepClock((s) => deps.journal.recordStep(d.op.id, s));
  switch (d.kind) {
    case 'check-thaw':
      return checkThaw(d, deps, clock);
    case 'close':
      return close(d, deps, clock);
    case 'resume-rollback':
      return resume(d, deps);
  }
}

/** A finished operation sent a freeze that nobody saw answered by "thawed" afterwards: check the guest again. */
async function checkThaw(d: Extract<RecoverDecision, { kind: 'check-thaw' }>, deps: RecoverDeps, clock: StepClock): Promise<Done> {
  if (!d.guard) {
    await deps.journal.markThawConfirmed(d.op.id, 'recover');
    return { action: 'none', outcome: 'recovered', detail: 'no domain recorded' };
  }
  const outcome = await guardGuest(d.guard, deps, clock);
  if (!outcome.verified) return { action: 'check thaw', outcome: 'failed', detail: describeGuard(d.guard, outcome), error: unconfirmed(d.guard, outcome) };
  await deps.journal.markThawConfirmed(d.op.id, outcome.thawedAt !== null ? 'recover' : 'ccsnap');
  return { action: 'check thaw', outcome: 'recovered', detail: describeGuard(d.guard, outcome) };
}

/** A dead ccsnap's create or delete: thaw its guest if need be, complete or clean its sets, close it, release its locks. */
async function close(d: Extract<RecoverDecision, { kind: 'close' }>, deps: RecoverDeps, clock: StepClock): Promise<Done> {
  const { op } = d;
  const action = op.kind === 'create' ? 'thaw and clean' : 'close';
  await deps.journal.adoptOperation(op.id);
  const notes: string[] = [];
  let thawedBy: ThawedBy | null = null;
  if (d.guard) {
    const outcome = await guardGuest(d.guard, deps, clock);
    notes.push(describeGuard(d.guard, outcome));
    if (!outcome.verified) {
      // The operation stays unfinished (and keeps its locks): the next recover guards the guest again.
      const error = unconfirmed(d.guard, outcome);
      return { action, outcome: 'failed', detail: `${notes.join('; ')} [${error.code}]`, error };
    }
    thawedBy = outcome.thawedAt !== null ? 'recover' : null;
    await deps.journal.markThawConfirmed(op.id, thawedBy ?? 'ccsnap');
  }
  for (const repair of d.sets) notes.push(await repairSet(repair, thawedBy, deps, clock));
  await deps.journal.finishOperation(op.id, { state: 'failed', errorCode: 'CCSNAP_INTERRUPTED', errorMessage: `interrupted in state ${op.state}; recovered` });
  await deps.journal.releaseLocksOf(op.id);
  return { action, outcome: 'recovered', detail: notes.join('; ') || 'nothing to repair' };
}

async function repairSet(repair: SetRepair, thawedBy: ThawedBy | null, deps: RecoverDeps, clock: StepClock): Promise<string> {
  const { journal } = deps;
  if (repair.finish === 'complete') {
    await clock.time('recover-complete-set', async () => journal.finishSet(repair.setId, { state: 'complete', reason: 'completed by recover' }), {
      setId: repair.setId,
    });
    return `set ${repair.setId} complete`;
  }
  const cleaned = await clock.time(
    'recover-clean-set',
    () =>
      withDeadline(deps.timeouts.cleanupMs, undefined, (signal) =>
        cleanupMembers(
          deps,
          repair.members.map((m) => ({ ...m, device: null })),
          [],
          signal,
        ),
      ),
    { setId: repair.setId },
  );
  for (const c of cleaned) await journal.updateMember(repair.setId, c.volumeId, { state: c.state, path: c.path, error: 'interrupted; cleaned by recover' });
  const left = cleaned.filter((c) => c.state === 'delete-failed');
  await journal.finishSet(repair.setId, { state: 'failed', reason: 'interrupted (ccsnap died); cleaned by recover', ...(thawedBy ? { thawedBy } : {}) });
  return left.length
    ? `set ${repair.setId}: ${left.length} snapshot(s) could not be deleted`
    : `set ${repair.setId} cleaned (${cleaned.filter((c) => c.state === 'deleted').length} snapshot(s) deleted)`;
}

/** A half-done rollback: finish it (apply-rollback journals its own steps; it skips the volumes already rolled back). */
async function resume(d: Extract<RecoverDecision, { kind: 'resume-rollback' }>, deps: RecoverDeps): Promise<Done> {
  const { journal, signal } = deps;
  await journal.adoptOperation(d.op.id);
  const compute = await deps.compute(signal);
  const result = await resumeRollback(
    d.plan,
    {
      journal,
      array: (n) => deps.array(n),
      compute,
      hypervisor: deps.hypervisorFor(d.plan.instance.host),
      timeouts: { powerMs: deps.timeouts.powerMs, arrayMs: deps.timeouts.arrayMs },
      ...(signal ? { signal } : {}),
    },
    d.op.id,
  );
  if (result.state !== 'done') {
    return { action: 'resume rollback', outcome: 'failed', detail: result.error?.message ?? 'failed', ...(result.error ? { error: result.error } : {}) };
  }
  return {
    action: 'resume rollback',
    outcome: 'recovered',
    detail: `rolled back ${result.volumes.length} volume(s) to set ${d.plan.setId}; instance ${result.instanceLeft}`,
  };
}

/** Thaws and re-checks the guest (see guardThaw), journaled as one step. */
async function guardGuest(guard: RecoverGuard, deps: RecoverDeps, clock: StepClock): Promise<ThawOutcome> {
  const start = Date.now();
  const outcome = await guardThaw(deps.hypervisorFor(guard.host), guard.domain, {
    callTimeoutMs: guard.callTimeoutMs,
    guardMs: guard.guardMs,
    retryDelayMs: guard.retryDelayMs,
  });
  clock.record('recover-thaw', start, Date.now() - start, outcome.verified ? 'ok' : 'failed', {
    domain: guard.domain,
    attempts: outcome.attempts,
    thawedFilesystems: outcome.thawedFilesystems,
    ...(outcome.unfreezable ? { unfreezable: outcome.unfreezable } : {}),
    errors: outcome.errors.map((e) => `${e.message} [${e.code}]`),
  });
  await clock.settle();
  return outcome;
}

function describeGuard(guard: RecoverGuard, outcome: ThawOutcome): string {
  if (outcome.unfreezable) return `guest ${guard.domain} cannot be frozen now (${outcome.unfreezable})`;
  if (outcome.verified)
    return `guest ${guard.domain} is thawed${outcome.thawedAt !== null ? ` (recover thawed ${outcome.thawedFilesystems} filesystem(s))` : ''}`;
  const last = outcome.errors.at(-1);
  return `could not confirm ${guard.domain} thawed: ${last ? `${last.message} [${last.code}]` : 'no answer'}`;
}

function unconfirmed(guard: RecoverGuard, outcome: ThawOutcome): CodedError {
  return { code: 'CCSNAP_THAW_UNCONFIRMED', message: describeGuard(guard, outcome) };
}
