import { CcsnapError, isAbortError, toCcsnapError } from '../errors.js';
import {
  finishOperation, finishSet, insertOperation, insertSet, setOperationState, updateMember,
  type Consistency, type Db, type StepTiming,
} from '../journal/index.js';
import { withDeadline } from '../util/abort.js';
import { nowMs } from '../util/time.js';
import type { CreatePlan, PlannedMember } from './plan-create.js';
import type { ArrayPort, HypervisorPort } from './ports.js';
import { StepClock, round } from './steps.js';
import { thawVerified, type ThawOutcome } from './thaw.js';
import { cleanupMembers, findPaths, type MemberOutcome } from './members.js';

export interface WatchdogPort {
  arm(message: { id: string; domain: string; host: string; hypervisor: unknown; deadline: number }): Promise<void>;
  disarm(id: string): Promise<void>;
  /** Moves an armed guest's deadline (fire-and-forget). */
  tighten?(id: string, deadline: number): void;
}

export interface CreateDeps {
  db: Db;
  array(name: string): ArrayPort;
  hypervisor: HypervisorPort;
  /** Handed to the watchdog so it can reach the same hypervisor. */
  hypervisorConfig: unknown;
  watchdog: WatchdogPort;
  /** The user's signal (SIGINT/SIGTERM). Never used for the thaw. */
  signal?: AbortSignal;
  timeouts: { freezeMs: number; thawMs: number; arrayMs: number; cleanupMs: number };
}

export interface CreateResult {
  setId: string;
  opId: string;
  instanceId: string;
  instanceName: string;
  label: string | null;
  state: 'complete' | 'failed';
  consistency: Consistency | null;
  reason: string | null;
  frozenMs: number | null;
  members: MemberOutcome[];
  steps: StepTiming[];
  thaw?: ThawOutcome;
  error?: { code: string; message: string };
}

/** Extra time the watchdog waits beyond --max-freeze before it thaws on its own (a second thaw is harmless). */
const WATCHDOG_MARGIN_MS = 2000;

/**
 * Applies a create plan (the caller holds the instance lock, see withInstanceLock): journal, arm the watchdog, freeze, take every member's array
 * snapshot in parallel (nothing else runs in the window), thaw with a fresh deadline, verify,
 * then — after the thaw — look up paths, journal, and clean up on failure (all-or-nothing).
 */
export async function applyCreate(plan: CreatePlan, deps: CreateDeps, opId: string): Promise<CreateResult> {
  const { db } = deps;
  insertOperation(db, {
    id: opId, kind: 'create', instanceId: plan.instance.id, instanceName: plan.instance.name,
    host: plan.instance.host, uri: plan.uri, domain: plan.instance.domain, plan,
  });
  insertSet(db, {
    id: plan.setId, instanceId: plan.instance.id, instanceName: plan.instance.name, label: plan.label,
    createdAt: plan.createdAt, opId, members: plan.members,
  });
  return runCreate(plan, deps, opId);
}

async function runCreate(plan: CreatePlan, deps: CreateDeps, opId: string): Promise<CreateResult> {
  const clock = new StepClock();
  const domain = plan.instance.domain;
  let consistency: Consistency = plan.expectedConsistency;
  let reason = plan.freeze.reason ?? null;
  let frozen = false;
  /** When the freeze call returned: the guest's filesystems are frozen from (just before) here. */
  let frozenAt = 0;

  if (plan.freeze.willFreeze) {
    await clock.time('arm-watchdog', () => deps.watchdog.arm({
      id: opId, domain, host: plan.instance.host ?? '', hypervisor: deps.hypervisorConfig,
      deadline: Date.now() + deps.timeouts.freezeMs + plan.maxFreezeMs + WATCHDOG_MARGIN_MS,
    }));
    setOperationState(deps.db, opId, 'freezing');
    try {
      await clock.time('freeze', () => deps.hypervisor.freeze(domain, { signal: withDeadline(deps.signal, deps.timeouts.freezeMs) }));
      frozen = true;
      frozenAt = nowMs();
    } catch (err) {
      const failure = await handleFreezeFailure(plan, deps, opId, clock, err);
      if (failure) return failure;
      consistency = 'crash-consistent';
      reason = `guest could not be frozen: ${(err as Error).message}`;
    }
  } else {
    clock.skip('freeze', reason ?? 'not frozen');
  }

  // ---- the freeze window: only the array snapshot calls run here ----
  const windowSignal = frozen ? withDeadline(deps.signal, plan.maxFreezeMs) : withDeadline(deps.signal, deps.timeouts.arrayMs);
  const windowStart = nowMs();
  let settled: PromiseSettledResult<{ durationMs: number }>[] = [];
  let windowEnd = windowStart;
  let thaw: ThawOutcome | undefined;
  try {
    const calls = plan.members.map((m) => timedCreate(deps, m, windowSignal));
    // While the array works: pull the watchdog's deadline in to the end of this window (one pipe write, no wait).
    if (frozen) deps.watchdog.tighten?.(opId, Date.now() + plan.maxFreezeMs + WATCHDOG_MARGIN_MS);
    settled = await Promise.allSettled(calls);
    windowEnd = nowMs();
  } finally {
    // Whatever happened above, the thaw runs (with its own fresh deadline) before anything else.
    if (frozen) thaw = await thawVerified(deps.hypervisor, domain, { callTimeoutMs: deps.timeouts.thawMs });
  }
  // ---- the guest is thawed: everything below may take its time ----

  // From the freeze's answer to the thaw's answer: the agent froze just before the one and thawed just before the other.
  const frozenMs = frozen && thaw ? round(thaw.firstThawDoneAt - frozenAt) : null;
  clock.record('snapshot', windowStart, windowEnd - windowStart, settled.every((s) => s.status === 'fulfilled') ? 'ok' : 'failed', {
    members: settled.map((s, i) => ({ volumeId: plan.members[i]!.volumeId, durationMs: s.status === 'fulfilled' ? s.value.durationMs : undefined, error: s.status === 'rejected' ? (s.reason as Error).message : undefined })),
  });
  if (thaw) {
    clock.record('thaw', windowEnd, thaw.firstThawDoneAt - windowEnd, thaw.verified ? 'ok' : 'failed', { attempts: thaw.attempts, errors: thaw.errors });
    setOperationState(deps.db, opId, 'thawed');
    if (thaw.verified) await clock.time('disarm-watchdog', () => deps.watchdog.disarm(opId)).catch(() => undefined);
  }
  return finishCreate(plan, deps, opId, clock, { settled, thaw, frozenMs, consistency, reason });
}

async function timedCreate(deps: Pick<CreateDeps, 'array'>, m: PlannedMember, signal: AbortSignal): Promise<{ durationMs: number }> {
  const t0 = nowMs();
  await deps.array(m.arrayName).createStorageSnapshot({ fsId: m.fsId, name: m.snapshotName, signal });
  return { durationMs: round(nowMs() - t0) };
}

/** Freeze failed: thaw anyway (a timed-out freeze may still happen), then fail or degrade per policy. */
async function handleFreezeFailure(plan: CreatePlan, deps: CreateDeps, opId: string, clock: StepClock, err: unknown): Promise<CreateResult | undefined> {
  const thaw = await thawVerified(deps.hypervisor, plan.instance.domain, { callTimeoutMs: deps.timeouts.thawMs, maxAttempts: 2 });
  clock.record('thaw-after-failed-freeze', Date.now(), 0, thaw.verified ? 'ok' : 'failed', { errors: thaw.errors });
  if (thaw.verified) await deps.watchdog.disarm(opId).catch(() => undefined);
  if (plan.freeze.policy !== 'required') return undefined;
  const cause = toCcsnapError(err);
  const error = { code: 'CCSNAP_FREEZE_FAILED', message: `could not freeze ${plan.instance.name} (${plan.instance.domain}): ${cause.message} [${cause.code}]; nothing was snapshotted` };
  finishSet(deps.db, plan.setId, { state: 'failed', reason: error.message, steps: clock.steps });
  finishOperation(deps.db, opId, { state: 'failed', errorCode: error.code, errorMessage: error.message });
  return baseResult(plan, opId, clock, { state: 'failed', consistency: null, reason: error.message, frozenMs: null, members: plan.members.map((m) => memberOutcome(m, 'failed', null, 'not attempted')), thaw, error });
}

interface WindowOutcome {
  settled: PromiseSettledResult<{ durationMs: number }>[];
  thaw: ThawOutcome | undefined;
  frozenMs: number | null;
  consistency: Consistency;
  reason: string | null;
}

async function finishCreate(plan: CreatePlan, deps: CreateDeps, opId: string, clock: StepClock, w: WindowOutcome): Promise<CreateResult> {
  const failures = w.settled.map((s, i) => (s.status === 'rejected' ? { member: plan.members[i]!, err: s.reason as unknown } : undefined)).filter((f) => f !== undefined);
  if (failures.length === 0) {
    const paths = await clock.time('lookup-paths', () => findPaths(deps, plan.members, AbortSignal.timeout(deps.timeouts.arrayMs)));
    const members = plan.members.map((m) => memberOutcome(m, 'created', paths.get(m.volumeId) ?? null, null));
    for (const m of members) updateMember(deps.db, plan.setId, m.volumeId, { state: 'created', path: m.path });
    finishSet(deps.db, plan.setId, { state: 'complete', consistency: w.consistency, reason: w.reason, frozenMs: w.frozenMs, steps: clock.steps });
    // Every member was taken inside the window: the set is good even if the thaw could not be confirmed.
    const thawError = w.thaw && !w.thaw.verified ? describeFailure(plan, [], w.thaw) : undefined;
    finishOperation(deps.db, opId, thawError
      ? { state: 'failed', errorCode: thawError.code, errorMessage: thawError.message, result: { setId: plan.setId } }
      : { state: 'done', result: { setId: plan.setId } });
    return baseResult(plan, opId, clock, { state: 'complete', consistency: w.consistency, reason: w.reason, frozenMs: w.frozenMs, members, ...(w.thaw ? { thaw: w.thaw } : {}), ...(thawError ? { error: thawError } : {}) });
  }
  const error = describeFailure(plan, failures, w.thaw, deps.signal?.aborted ?? false);
  // All-or-nothing: remove whatever this set created (including creates whose answer was lost).
  const members = await clock.time('cleanup', () => cleanupMembers(deps, plan.members, failures.map((f) => f.member.volumeId), AbortSignal.timeout(deps.timeouts.cleanupMs)));
  for (const m of members) updateMember(deps.db, plan.setId, m.volumeId, { state: m.state, path: m.path, error: m.error });
  finishSet(deps.db, plan.setId, { state: 'failed', reason: error.message, frozenMs: w.frozenMs, steps: clock.steps });
  finishOperation(deps.db, opId, { state: 'failed', errorCode: error.code, errorMessage: error.message });
  return baseResult(plan, opId, clock, { state: 'failed', consistency: null, reason: error.message, frozenMs: w.frozenMs, members, ...(w.thaw ? { thaw: w.thaw } : {}), error });
}

function describeFailure(plan: CreatePlan, failures: Array<{ member: PlannedMember; err: unknown }>, thaw: ThawOutcome | undefined, interrupted = false): { code: string; message: string } {
  if (thaw && !thaw.verified) {
    return { code: 'CCSNAP_THAW_UNCONFIRMED', message: `could not confirm that ${plan.instance.domain} is thawed (${thaw.errors.at(-1) ?? 'unknown'}); the watchdog keeps trying` };
  }
  const first = failures[0]!;
  if (interrupted) return { code: 'CCSNAP_INTERRUPTED', message: 'interrupted inside the freeze window; guest thawed, set discarded' };
  if (isAbortError(first.err) || (first.err as { code?: string }).code === 'CCSNAP_ABORTED' || (first.err as { code?: string }).code === 'CCSNAP_ARRAY_TIMEOUT') {
    return { code: 'CCSNAP_FREEZE_WINDOW_EXCEEDED', message: `array did not answer within --max-freeze ${plan.maxFreezeMs / 1000}s (or the operation was interrupted); guest thawed, set discarded` };
  }
  const cause = toCcsnapError(first.err);
  return { code: cause.code, message: `snapshot of volume ${first.member.volumeId} failed: ${cause.message}; guest thawed, set discarded` };
}

function memberOutcome(m: PlannedMember, state: MemberOutcome['state'], path: string | null, error: string | null): MemberOutcome {
  return { volumeId: m.volumeId, device: m.device, arrayName: m.arrayName, fsId: m.fsId, snapshotName: m.snapshotName, path, state, error };
}

function baseResult(plan: CreatePlan, opId: string, clock: StepClock, rest: Omit<CreateResult, 'setId' | 'opId' | 'instanceId' | 'instanceName' | 'label' | 'steps'>): CreateResult {
  return { setId: plan.setId, opId, instanceId: plan.instance.id, instanceName: plan.instance.name, label: plan.label, steps: clock.steps, ...rest };
}

export { CcsnapError };
