import { CcsnapError, isAbortError, toCcsnapError, type CodedError } from '../errors.js';
import type { Consistency, Journal, StepTiming } from '../journal/index.js';
import { reportCreateResult } from '../metrics/port.js';
import { deadlineAt, startDeadline, withDeadline, type Deadline } from '../util/deadline.js';
import { nowMs } from '../util/time.js';
import type { CreatePlan, PlannedMember } from './plan-create.js';
import type { ArrayPort, HypervisorPort } from './ports.js';
import { StepClock, round } from './steps.js';
import { guardThaw, type ThawedBy, type ThawOutcome } from './thaw.js';
import { cleanupMembers, findPaths, type MemberOutcome } from './members.js';
import { freezeMayHaveTakenEffect } from '../hypervisor/errors.js';
import type { HypervisorConfig } from '../hypervisor/types.js';
import { WATCHDOG_LAG_MS, type ArmMessage, type WatchdogThaw } from './watchdog-protocol.js';

export interface WatchdogPort {
  arm(message: Omit<ArmMessage, 'op'>): Promise<void>;
  /** The freeze is sent now; the watchdog fires at `deadline` (epoch ms) unless disarmed. Synchronous. */
  freezing(id: string, deadline: number): void;
  /** Hands the guest over for the watchdog's whole guard time. */
  guard(id: string): Promise<void>;
  /** After the agent answered "thawed": stops watching; tells what the watchdog did if it fired. */
  disarm(id: string): Promise<WatchdogThaw | undefined>;
}

/**
 * This create's turns through the process's window gate (util/window-gate.ts), so that its freeze window
 * and other creates' work never overlap. Absent: every phase at once.
 */
export interface WindowPhases {
  /** Waits for this window's turn; the freeze is not sent yet. A rejection means: send no freeze. */
  window(signal?: AbortSignal): Promise<void>;
  /** The freeze answered and the array calls are sent (or the freeze failed): the next window may open. */
  opened(): void;
  /** The guest is thawed (or handed to the watchdog): waits until the work after the window may run. */
  bulk(signal?: AbortSignal): Promise<void>;
}

export interface CreateDeps {
  journal: Journal;
  phases?: WindowPhases;
  array(name: string): ArrayPort;
  hypervisor: HypervisorPort;
  /** Handed to the watchdog so it can reach the same hypervisor. */
  hypervisorConfig: HypervisorConfig;
  watchdog: WatchdogPort;
  /** The user's signal (SIGINT/SIGTERM). Never used for the thaw. */
  signal?: AbortSignal;
  /**
   * thawMs: bound of each thaw/status call; guardMs: how long ccsnap itself keeps re-checking before it
   * hands the guest to the watchdog, which keeps going for watchdogGuardMs.
   */
  timeouts: { thawMs: number; arrayMs: number; cleanupMs: number; guardMs: number; watchdogGuardMs: number };
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
  /** Who ended the freeze (null when the guest was not frozen). */
  thawedBy: ThawedBy | null;
  members: MemberOutcome[];
  steps: StepTiming[];
  thaw?: ThawOutcome;
  error?: CodedError;
}

/**
 * Applies a create plan (the caller holds the instance lock, see withInstanceLock): journal, arm the
 * watchdog, then the freeze window — freeze, every member's array snapshot in parallel, nothing else —
 * bounded by one deadline counted from the moment the freeze request is sent. The thaw guard runs
 * whatever happened (with fresh deadlines), then — after the thaw — paths, journal, and clean-up on
 * failure (all-or-nothing).
 */
export async function applyCreate(plan: CreatePlan, deps: CreateDeps, opId: string): Promise<CreateResult> {
  const { journal } = deps;
  await journal.insertOperation({
    id: opId,
    kind: 'create',
    instanceId: plan.instance.id,
    instanceName: plan.instance.name,
    host: plan.instance.host,
    uri: plan.uri,
    domain: plan.instance.domain,
    plan,
  });
  await journal.insertSet({
    id: plan.setId,
    instanceId: plan.instance.id,
    instanceName: plan.instance.name,
    label: plan.label,
    createdAt: plan.createdAt,
    opId,
    members: plan.members,
    policy: plan.policy?.name ?? null,
    occurrence: plan.policy?.occurrence ?? null,
  });
  const result = await runCreate(plan, deps, opId);
  reportCreateResult(result);
  return result;
}

/** What happened between the freeze request and the end of the thaw guard. */
interface Window {
  frozen: boolean;
  /** Epoch ms: freeze sent, freeze answered, every member answered (or gave up). */
  freezeSentAt: number;
  frozenAt: number;
  windowStart: number;
  windowEnd: number;
  freezeError?: unknown;
  /** The window's deadline passed before the freeze answered. */
  freezeTimedOut: boolean;
  /** No freeze was sent: the window's turn was refused (interrupted, drained); `freezeError` says why. */
  notSent?: boolean;
  settled: PromiseSettledResult<{ durationMs: number }>[];
  thaw?: ThawOutcome;
}

async function runCreate(plan: CreatePlan, deps: CreateDeps, opId: string): Promise<CreateResult> {
  const clock = new StepClock();
  let consistency: Consistency = plan.expectedConsistency;
  let reason = plan.sharedReason ?? plan.freeze.reason ?? null;
  let w: Window = { frozen: false, freezeSentAt: 0, frozenAt: 0, windowStart: 0, windowEnd: 0, freezeTimedOut: false, settled: [] };

  if (plan.freeze.willFreeze) {
    const unarmed = await armWatchdog(plan, deps, opId, clock);
    if (unarmed) return unarmed;
    w = await runFreezeWindow(plan, deps, opId, clock);
    const sealed = await sealThaw(plan, deps, opId, clock, w);
    if (w.freezeError !== undefined) {
      const failure = await failedFreeze(plan, deps, opId, clock, w, sealed);
      if (failure) return failure;
      consistency = 'crash-consistent';
      reason = `guest could not be frozen: ${(w.freezeError as Error).message}`;
    } else {
      return finishCreate(plan, deps, opId, clock, { ...sealed, consistency, reason });
    }
  } else {
    clock.skip('freeze', reason ?? 'not frozen');
  }
  // Not frozen (by plan, or best-effort after a failed freeze): crash-consistent snapshots under the array bound.
  const unfrozen = await withArrayWindow(plan, deps, clock);
  return finishCreate(plan, deps, opId, clock, {
    settled: unfrozen.settled,
    windowEnd: unfrozen.windowEnd,
    thaw: w.thaw,
    thawedBy: null,
    frozenMs: null,
    watchdogThaw: undefined,
    consistency,
    reason,
  });
}

/**
 * Arms the watchdog before the freeze. If it cannot be armed, nothing is frozen or snapshotted: the set and
 * the operation are closed as failed at once (never left `creating`/`planned` for a recover to find, which
 * would keep the instance busy for every later run of this occurrence).
 */
async function armWatchdog(plan: CreatePlan, deps: CreateDeps, opId: string, clock: StepClock): Promise<CreateResult | undefined> {
  try {
    await clock.time('arm-watchdog', () =>
      deps.watchdog.arm({
        id: opId,
        domain: plan.instance.domain,
        host: plan.instance.host ?? '',
        hypervisor: deps.hypervisorConfig,
        guardMs: deps.timeouts.watchdogGuardMs,
        callTimeoutMs: deps.timeouts.thawMs,
      }),
    );
    return undefined;
  } catch (err) {
    const cause = toCcsnapError(err);
    const error: CodedError = { code: cause.code, message: `${cause.message}; ${plan.instance.name} was not frozen, nothing was snapshotted` };
    await deps.journal.finishSet(plan.setId, { state: 'failed', reason: error.message, steps: clock.steps });
    await deps.journal.finishOperation(opId, { state: 'failed', errorCode: error.code, errorMessage: error.message });
    return baseResult(plan, opId, clock, {
      state: 'failed',
      consistency: null,
      reason: error.message,
      frozenMs: null,
      thawedBy: null,
      members: plan.members.map((m) => memberOutcome(m, 'failed', null, 'not attempted')),
      error,
    });
  }
}

/**
 * The freeze window. The deadline is counted from the instant the freeze request is sent (the freeze
 * may take effect before it answers); the watchdog is told that instant first, in the same tick.
 */
async function runFreezeWindow(plan: CreatePlan, deps: CreateDeps, opId: string, clock: StepClock): Promise<Window> {
  const domain = plan.instance.domain;
  try {
    await deps.journal.markFreezeSent(opId, new Date());
  } catch (err) {
    // Not journaled, so no freeze is sent (a journal away, or this worker fenced): the watchdog armed for it
    // has nothing to guard.
    await deps.watchdog.disarm(opId).catch(() => undefined);
    throw err;
  }
  // Our turn: other creates' pre-checks are done and the window opened before ours has sent its array calls.
  const refused = await takeWindowTurn(deps);
  if (refused) return refused;
  const freezeSentAt = Date.now();
  const w: Window = { frozen: false, freezeSentAt, frozenAt: 0, windowStart: freezeSentAt, windowEnd: freezeSentAt, freezeTimedOut: false, settled: [] };
  const window: Deadline = deadlineAt(freezeSentAt + plan.maxFreezeMs, deps.signal, 'freeze window');
  deps.watchdog.freezing(opId, freezeSentAt + plan.maxFreezeMs + WATCHDOG_LAG_MS);
  try {
    try {
      await clock.time('freeze', () => deps.hypervisor.freeze(domain, { signal: window.signal }));
      w.frozen = true;
      w.frozenAt = Date.now();
    } catch (err) {
      deps.phases?.opened();
      w.freezeError = err;
      w.freezeTimedOut = window.signal.aborted && !deps.signal?.aborted;
      return w;
    }
    // ---- frozen: only the array snapshot calls run here ----
    w.windowStart = Date.now();
    const calls = Promise.allSettled(plan.members.map((m) => timedCreate(deps, m, window.signal)));
    deps.phases?.opened();
    w.settled = await calls;
    w.windowEnd = Date.now();
    return w; // the snapshot step is recorded after the thaw, not inside the window
  } finally {
    window.clear();
  }
}

/** Waits for the window's turn; a refusal (interrupted, drained) is a window whose freeze was never sent. */
async function takeWindowTurn(deps: CreateDeps): Promise<Window | undefined> {
  try {
    await deps.phases?.window(deps.signal);
    return undefined;
  } catch (err) {
    const now = Date.now();
    const e = toCcsnapError(err);
    e.details.mayBeFrozen = false;
    return {
      frozen: false,
      freezeSentAt: now,
      frozenAt: 0,
      windowStart: now,
      windowEnd: now,
      freezeError: e,
      freezeTimedOut: false,
      notSent: true,
      settled: [],
    };
  }
}

interface Sealed {
  settled: PromiseSettledResult<{ durationMs: number }>[];
  windowEnd: number;
  thaw: ThawOutcome | undefined;
  thawedBy: ThawedBy | null;
  frozenMs: number | null;
  watchdogThaw: WatchdogThaw | undefined;
}

/**
 * The thaw guard, whatever the window did: thaw and re-check until the agent answers "thawed" after the
 * freeze. Verified: disarm the watchdog and journal who thawed. Not verified in time: hand the guest to
 * the watchdog, which keeps at it for its whole guard time; `recover` checks it again later. The thaw and
 * the hand-over never wait for the window gate; the journaling and the disarm after them do.
 */
async function sealThaw(plan: CreatePlan, deps: CreateDeps, opId: string, clock: StepClock, w: Window): Promise<Sealed> {
  const domain = plan.instance.domain;
  const needed = w.frozen || w.freezeError === undefined || freezeMayHaveTakenEffect(w.freezeError);
  const thaw = needed ? await guardThaw(deps.hypervisor, domain, { callTimeoutMs: deps.timeouts.thawMs, guardMs: deps.timeouts.guardMs }) : undefined;
  const guardedAt = Date.now();
  // Not confirmed thawed: the watchdog takes the guest over before anything waits for other windows.
  const handOver = thaw && !thaw.verified ? await outcomeOf(deps.watchdog.guard(opId)) : undefined;
  const handOverMs = Date.now() - guardedAt;
  // The window is over; what follows waits while other creates' windows are open.
  await deps.phases?.bulk();
  if (w.frozen) recordSnapshotStep(clock, plan, w.windowStart, w.windowEnd, w.settled);
  const thawStart = w.frozen ? w.windowEnd : guardedAt;
  if (thaw) {
    clock.record(w.frozen ? 'thaw' : 'thaw-after-failed-freeze', thawStart, Math.max(0, thaw.firstThawDoneAt - thawStart), thaw.verified ? 'ok' : 'failed', {
      attempts: thaw.attempts,
      thawedFilesystems: thaw.thawedFilesystems,
      errors: thaw.errors.map((e) => `${e.message} [${e.code}]`),
    });
  }
  await deps.journal.setOperationState(opId, 'thawed');
  let watchdogThaw: WatchdogThaw | undefined;
  if (!thaw || thaw.verified) {
    watchdogThaw = await clock.time('disarm-watchdog', () => deps.watchdog.disarm(opId)).catch(() => undefined);
  } else if (handOver) {
    clock.record(
      'hand-over-to-watchdog',
      guardedAt,
      handOverMs,
      handOver.status === 'fulfilled' ? 'ok' : 'failed',
      handOver.status === 'rejected' ? stepError(handOver.reason) : undefined,
    );
  }
  const thawedBy = whoThawed(w, thaw, watchdogThaw);
  if (!thaw || thaw.verified) await deps.journal.markThawConfirmed(opId, thawedBy ?? 'ccsnap');
  const thawedAt = thawedBy === 'ccsnap' ? thaw?.thawedAt : thawedBy === 'watchdog' ? watchdogThaw?.thawedAt : null;
  // The freeze took effect just before it answered, the thaw just before its call returned.
  const frozenMs = w.frozen && thawedAt ? round(thawedAt - w.frozenAt) : null;
  return { settled: w.settled, windowEnd: w.windowEnd, thaw, thawedBy, frozenMs, watchdogThaw };
}

/** The outcome of `p`, never a rejection. */
function outcomeOf<T>(p: Promise<T>): Promise<PromiseSettledResult<T>> {
  return p.then(
    (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
    (reason: unknown): PromiseSettledResult<T> => ({ status: 'rejected', reason }),
  );
}

/** The detail StepClock.time gives a failed step. */
function stepError(err: unknown): Record<string, unknown> {
  return { error: (err as Error).message, code: (err as { code?: string }).code };
}

/** ccsnap when its own thaw thawed filesystems; the watchdog when its did; else the guest thawed by itself. */
function whoThawed(w: Window, thaw: ThawOutcome | undefined, watchdogThaw: WatchdogThaw | undefined): ThawedBy | null {
  if (thaw?.thawedAt != null) return 'ccsnap';
  if (watchdogThaw?.thawedAt != null) return 'watchdog';
  return w.frozen ? 'guest' : null;
}

/** The freeze did not answer (or failed): discard per policy, or go on crash-consistent (best-effort). */
async function failedFreeze(plan: CreatePlan, deps: CreateDeps, opId: string, clock: StepClock, w: Window, sealed: Sealed): Promise<CreateResult | undefined> {
  const interrupted = deps.signal?.aborted ?? false;
  if (plan.freeze.policy === 'required' || w.freezeTimedOut || interrupted || w.notSent) {
    const cause = toCcsnapError(w.freezeError);
    const error: CodedError = interrupted
      ? { code: 'CCSNAP_INTERRUPTED', message: `interrupted while freezing ${plan.instance.name}; nothing was snapshotted` }
      : w.notSent
        ? { code: cause.code, message: `${cause.message}; nothing was snapshotted` }
        : w.freezeTimedOut
          ? {
              code: 'CCSNAP_FREEZE_WINDOW_EXCEEDED',
              message: `the freeze of ${plan.instance.name} (${plan.instance.domain}) did not answer within the ${plan.maxFreezeMs / 1000} s freeze window; nothing was snapshotted`,
            }
          : {
              code: 'CCSNAP_FREEZE_FAILED',
              message: `could not freeze ${plan.instance.name} (${plan.instance.domain}): ${cause.message} [${cause.code}]; nothing was snapshotted`,
            };
    const withThaw = sealed.thaw && !sealed.thaw.verified ? describeUnconfirmed(plan, sealed.thaw, error.message) : error;
    await deps.journal.finishSet(plan.setId, { state: 'failed', reason: withThaw.message, steps: clock.steps });
    await deps.journal.finishOperation(opId, { state: 'failed', errorCode: withThaw.code, errorMessage: withThaw.message });
    return baseResult(plan, opId, clock, {
      state: 'failed',
      consistency: null,
      reason: withThaw.message,
      frozenMs: null,
      thawedBy: sealed.thaw?.thawedAt != null ? 'ccsnap' : null,
      members: plan.members.map((m) => memberOutcome(m, 'failed', null, 'not attempted')),
      ...(sealed.thaw ? { thaw: sealed.thaw } : {}),
      error: withThaw,
    });
  }
  return undefined;
}

/** Not frozen: the members under the array bound (and the caller's signal). */
async function withArrayWindow(
  plan: CreatePlan,
  deps: CreateDeps,
  clock: StepClock,
): Promise<{ settled: PromiseSettledResult<{ durationMs: number }>[]; windowEnd: number }> {
  const deadline = startDeadline(deps.timeouts.arrayMs, deps.signal, 'array snapshots');
  try {
    const windowStart = Date.now();
    const settled = await Promise.allSettled(plan.members.map((m) => timedCreate(deps, m, deadline.signal)));
    recordSnapshotStep(clock, plan, windowStart, Date.now(), settled);
    return { settled, windowEnd: Date.now() };
  } finally {
    deadline.clear();
  }
}

function recordSnapshotStep(clock: StepClock, plan: CreatePlan, start: number, end: number, settled: PromiseSettledResult<{ durationMs: number }>[]): void {
  clock.record('snapshot', start, end - start, settled.every((s) => s.status === 'fulfilled') ? 'ok' : 'failed', {
    members: settled.map((s, i) => ({
      volumeId: plan.members[i]!.volumeId,
      durationMs: s.status === 'fulfilled' ? s.value.durationMs : undefined,
      error: s.status === 'rejected' ? (s.reason as Error).message : undefined,
    })),
  });
}

async function timedCreate(deps: Pick<CreateDeps, 'array'>, m: PlannedMember, signal: AbortSignal): Promise<{ durationMs: number }> {
  const t0 = nowMs();
  await deps.array(m.arrayName).createStorageSnapshot({ fsId: m.fsId, name: m.snapshotName, signal });
  return { durationMs: round(nowMs() - t0) };
}

interface WindowOutcome extends Sealed {
  consistency: Consistency;
  reason: string | null;
}

async function finishCreate(plan: CreatePlan, deps: CreateDeps, opId: string, clock: StepClock, w: WindowOutcome): Promise<CreateResult> {
  const failures = w.settled
    .map((s, i) => (s.status === 'rejected' ? { member: plan.members[i]!, err: s.reason as unknown } : undefined))
    .filter((f) => f !== undefined);
  const thawFacts = { frozenMs: w.frozenMs, thawedBy: w.thawedBy, ...(w.thaw ? { thaw: w.thaw } : {}) };
  // A snapshot counts only if its answer came before anyone else thawed the guest.
  const lateAfterWatchdog = w.thawedBy === 'watchdog' && w.watchdogThaw?.thawSentAt != null && w.windowEnd > w.watchdogThaw.thawSentAt;
  if (failures.length === 0 && !lateAfterWatchdog) {
    const paths = await clock.time('lookup-paths', () => withDeadline(deps.timeouts.arrayMs, undefined, (signal) => findPaths(deps, plan.members, signal)));
    const members = plan.members.map((m) => memberOutcome(m, 'created', paths.get(m.volumeId) ?? null, null));
    for (const m of members) await deps.journal.updateMember(plan.setId, m.volumeId, { state: 'created', path: m.path });
    await deps.journal.finishSet(plan.setId, {
      state: 'complete',
      consistency: w.consistency,
      reason: w.reason,
      frozenMs: w.frozenMs,
      thawedBy: w.thawedBy,
      steps: clock.steps,
    });
    // Every member was taken inside the window: the set is good even if the thaw could not be confirmed.
    const thawError = w.thaw && !w.thaw.verified ? describeUnconfirmed(plan, w.thaw, 'the set is complete') : undefined;
    await deps.journal.finishOperation(
      opId,
      thawError
        ? { state: 'failed', errorCode: thawError.code, errorMessage: thawError.message, result: { setId: plan.setId } }
        : { state: 'done', result: { setId: plan.setId } },
    );
    return baseResult(plan, opId, clock, {
      state: 'complete',
      consistency: w.consistency,
      reason: w.reason,
      ...thawFacts,
      members,
      ...(thawError ? { error: thawError } : {}),
    });
  }
  const error: CodedError =
    lateAfterWatchdog && failures.length === 0
      ? {
          code: 'CCSNAP_FREEZE_WINDOW_EXCEEDED',
          message: `the watchdog thawed ${plan.instance.domain} at the end of the ${plan.maxFreezeMs / 1000} s freeze window before every snapshot had answered; set discarded`,
        }
      : describeFailure(plan, failures, w.thaw, deps.signal?.aborted ?? false);
  // All-or-nothing: remove whatever this set created (including creates whose answer was lost).
  const members = await clock.time('cleanup', () =>
    withDeadline(deps.timeouts.cleanupMs, undefined, (signal) =>
      cleanupMembers(
        deps,
        plan.members,
        failures.map((f) => f.member.volumeId),
        signal,
      ),
    ),
  );
  for (const m of members) await deps.journal.updateMember(plan.setId, m.volumeId, { state: m.state, path: m.path, error: m.error });
  await deps.journal.finishSet(plan.setId, { state: 'failed', reason: error.message, frozenMs: w.frozenMs, thawedBy: w.thawedBy, steps: clock.steps });
  await deps.journal.finishOperation(opId, { state: 'failed', errorCode: error.code, errorMessage: error.message });
  return baseResult(plan, opId, clock, { state: 'failed', consistency: null, reason: error.message, ...thawFacts, members, error });
}

function describeUnconfirmed(plan: CreatePlan, thaw: ThawOutcome, outcome: string): CodedError {
  const last = thaw.errors.at(-1);
  return {
    code: 'CCSNAP_THAW_UNCONFIRMED',
    message: `${outcome}, but the agent of ${plan.instance.domain} has not answered "thawed" yet (${last ? `${last.message} [${last.code}]` : 'no answer'}); the watchdog keeps thawing and checking it`,
  };
}

function describeFailure(
  plan: CreatePlan,
  failures: Array<{ member: PlannedMember; err: unknown }>,
  thaw: ThawOutcome | undefined,
  interrupted = false,
): CodedError {
  const first = failures[0]!;
  // What failed; then whether the guest is known to be thawed.
  const failed: CodedError = interrupted
    ? { code: 'CCSNAP_INTERRUPTED', message: 'interrupted inside the freeze window' }
    : isAbortError(first.err) || (first.err as { code?: string }).code === 'CCSNAP_ABORTED' || (first.err as { code?: string }).code === 'CCSNAP_ARRAY_TIMEOUT'
      ? { code: 'CCSNAP_FREEZE_WINDOW_EXCEEDED', message: `array did not answer within the ${plan.maxFreezeMs / 1000} s freeze window` }
      : (() => {
          const cause = toCcsnapError(first.err);
          return { code: cause.code, message: `snapshot of volume ${first.member.volumeId} failed: ${cause.message}` };
        })();
  if (thaw && !thaw.verified) return describeUnconfirmed(plan, thaw, `${failed.message}, set discarded`);
  return { code: failed.code, message: `${failed.message}; guest thawed, set discarded` };
}

function memberOutcome(m: PlannedMember, state: MemberOutcome['state'], path: string | null, error: string | null): MemberOutcome {
  return { volumeId: m.volumeId, device: m.device, arrayName: m.arrayName, fsId: m.fsId, snapshotName: m.snapshotName, path, state, error };
}

function baseResult(
  plan: CreatePlan,
  opId: string,
  clock: StepClock,
  rest: Omit<CreateResult, 'setId' | 'opId' | 'instanceId' | 'instanceName' | 'label' | 'steps'>,
): CreateResult {
  return { setId: plan.setId, opId, instanceId: plan.instance.id, instanceName: plan.instance.name, label: plan.label, steps: clock.steps, ...rest };
}

export { CcsnapError };
