import { hostname } from 'node:os';
import { resumeRollback } from '../engine/apply-rollback.js';
import { cleanupMembers } from '../engine/members.js';
import type { RollbackPlan } from '../engine/plan-rollback.js';
import { guardThaw, type ThawOutcome } from '../engine/thaw.js';
import { toCcsnapError } from '../errors.js';
import { isProcessAlive, type OperationRecord } from '../journal/index.js';
import type { Runtime } from '../runtime.js';
import { withDeadline } from '../util/deadline.js';

export interface RecoverReport {
  opId: string;
  kind: string;
  instanceId: string;
  instanceName: string;
  startedAt: string;
  action: string;
  outcome: 'recovered' | 'skipped' | 'failed';
  detail: string;
}

/**
 * Finds operations a dead ccsnap left unfinished and repairs them: thaws their guests, completes
 * or cleans their snapshot sets, and (when not `auto`) finishes half-done rollbacks.
 * `auto` is the cheap pass every command runs at start: it never resumes a rollback.
 */
export async function recoverOperations(rt: Runtime, opts: { auto: boolean; signal?: AbortSignal }): Promise<RecoverReport[]> {
  const reports: RecoverReport[] = [];
  const unfinished = rt.journal().listUnfinishedOperations();
  const open = new Set(unfinished.map((op) => op.id));
  // Finished operations whose freeze may still land: their thaw was never confirmed. The watchdog guards such a
  // guest for thaw_guard after ccsnap handed it over; the automatic pass takes over only after that.
  const guardMs = rt.settings.create.thawGuardMs;
  const pending = rt.journal().listThawPending()
    .filter((op) => !open.has(op.id))
    .filter((op) => !opts.auto || Date.now() - Date.parse(op.finishedAt ?? op.startedAt) > guardMs);
  for (const op of [...unfinished, ...pending]) {
    const base = { opId: op.id, kind: op.kind, instanceId: op.instanceId, instanceName: op.instanceName, startedAt: op.startedAt };
    const finished = !open.has(op.id);
    if (!finished && op.pid === process.pid) continue;
    if (op.hostname !== hostname()) {
      reports.push({ ...base, action: 'none', outcome: 'skipped', detail: `started on another machine (${op.hostname})` });
      continue;
    }
    if (!finished && isProcessAlive(op.pid)) {
      reports.push({ ...base, action: 'none', outcome: 'skipped', detail: `still running (pid ${op.pid})` });
      continue;
    }
    if (op.kind === 'rollback' && opts.auto) {
      reports.push({ ...base, action: 'none', outcome: 'skipped', detail: 'half-done rollback: run "ccsnap recover" to finish it' });
      continue;
    }
    try {
      reports.push({ ...base, ...(finished ? await recheckThaw(rt, op, opts) : await recoverOne(rt, op, opts)) });
    } catch (err) {
      const e = toCcsnapError(err);
      reports.push({ ...base, action: 'recover', outcome: 'failed', detail: `${e.message} [${e.code}]` });
    }
  }
  return [...reports, ...releaseOrphanedLocks(rt)];
}

/**
 * A ccsnap takes an instance's lock before its pre-checks and journals its operation only after them: one
 * killed in between leaves a lock and nothing else (no freeze was sent, no snapshot made). Such a lock,
 * held by a dead process on this machine for no unfinished operation, is released; any other lock is kept.
 */
function releaseOrphanedLocks(rt: Runtime): RecoverReport[] {
  const journal = rt.journal();
  const open = new Set(journal.listUnfinishedOperations().map((op) => op.id));
  const orphaned = journal.listLocks().filter((l) => l.hostname === hostname() && l.pid !== process.pid && !isProcessAlive(l.pid) && !open.has(l.opId));
  return orphaned.map((l) => {
    journal.releaseLock(l.instanceId, l.opId);
    return {
      opId: l.opId, kind: 'lock', instanceId: l.instanceId, instanceName: l.instanceId, startedAt: l.acquiredAt, action: 'release lock', outcome: 'recovered',
      detail: `held by a dead ccsnap (pid ${l.pid}) that had journaled no operation yet (nothing was frozen or snapshotted); released`,
    };
  });
}

/**
 * The guard recover runs: thaw and re-check until the agent answers "thawed" (one round in the automatic pass at
 * every command's start; up to a minute, or the configured guard if shorter, when run as `recover`).
 */
async function guardGuest(rt: Runtime, op: OperationRecord, auto: boolean): Promise<ThawOutcome> {
  const guardMs = auto ? 0 : Math.min(rt.settings.create.thawGuardMs, 60_000);
  // The automatic pass runs before every command: short calls, so a hung agent delays a `list` by seconds, not minutes.
  const callTimeoutMs = auto ? Math.min(rt.hypervisorConfig.commandTimeoutMs, 5_000) : rt.hypervisorConfig.commandTimeoutMs;
  return guardThaw(rt.hypervisorFor(op.host), op.domain!, { callTimeoutMs, guardMs, retryDelayMs: 250 });
}

function describeGuard(op: OperationRecord, outcome: ThawOutcome): string {
  if (outcome.unfreezable) return `guest ${op.domain} cannot be frozen now (${outcome.unfreezable})`;
  if (outcome.verified) return `guest ${op.domain} is thawed${outcome.thawedAt !== null ? ` (recover thawed ${outcome.thawedFilesystems} filesystem(s))` : ''}`;
  const last = outcome.errors.at(-1);
  return `could not confirm ${op.domain} thawed: ${last ? `${last.message} [${last.code}]` : 'no answer'}`;
}

/** A finished operation sent a freeze that nobody saw answered by "thawed" afterwards: check the guest again. */
async function recheckThaw(rt: Runtime, op: OperationRecord, opts: { auto: boolean }): Promise<Pick<RecoverReport, 'action' | 'outcome' | 'detail'>> {
  if (!op.domain) {
    rt.journal().markThawConfirmed(op.id, 'recover');
    return { action: 'none', outcome: 'recovered', detail: 'no domain recorded' };
  }
  const outcome = await guardGuest(rt, op, opts.auto);
  if (outcome.verified) rt.journal().markThawConfirmed(op.id, outcome.thawedAt !== null ? 'recover' : 'ccsnap');
  return { action: 'check thaw', outcome: outcome.verified ? 'recovered' : 'failed', detail: describeGuard(op, outcome) };
}

async function recoverOne(rt: Runtime, op: OperationRecord, opts: { auto: boolean; signal?: AbortSignal }): Promise<Pick<RecoverReport, 'action' | 'outcome' | 'detail'>> {
  const signal = opts.signal;
  const journal = rt.journal();
  journal.adoptOperation(op.id);
  if (op.kind === 'rollback') {
    const compute = await rt.compute(signal);
    const plan = op.plan as RollbackPlan;
    const result = await resumeRollback(plan, {
      journal, array: (n) => rt.array(n), compute, hypervisor: rt.hypervisorFor(plan.instance.host),
      timeouts: { powerMs: 300_000, arrayMs: 120_000 }, ...(signal ? { signal } : {}),
    }, op.id);
    if (result.state !== 'done') return { action: 'resume rollback', outcome: 'failed', detail: result.error?.message ?? 'failed' };
    return { action: 'resume rollback', outcome: 'recovered', detail: `rolled back ${result.volumes.length} volume(s) to set ${plan.setId}; instance ${result.instanceLeft}` };
  }
  const notes: string[] = [];
  let thawedBy: string | null = null;
  if (op.kind === 'create' && (op.freezeSentAt !== null || ['freezing', 'frozen', 'thawed'].includes(op.state)) && op.thawConfirmedAt === null && op.domain) {
    const outcome = await guardGuest(rt, op, opts.auto);
    notes.push(describeGuard(op, outcome));
    if (!outcome.verified) throw new Error(notes.join('; '));
    thawedBy = outcome.thawedAt !== null ? 'recover' : null;
    journal.markThawConfirmed(op.id, thawedBy ?? 'ccsnap');
  }
  for (const set of journal.listSetsOfOperation(op.id)) {
    if (set.state !== 'creating') continue;
    if (set.members.every((m) => m.state === 'created')) {
      journal.finishSet(set.id, { state: 'complete', reason: 'completed by recover' });
      notes.push(`set ${set.id} complete`);
      continue;
    }
    const cleaned = await withDeadline(60_000, undefined, (signal) => cleanupMembers({ array: (n) => rt.array(n) }, set.members.map((m) => ({ ...m, device: null })), [], signal));
    for (const c of cleaned) journal.updateMember(set.id, c.volumeId, { state: c.state, path: c.path, error: 'interrupted; cleaned by recover' });
    const left = cleaned.filter((c) => c.state === 'delete-failed');
    journal.finishSet(set.id, { state: 'failed', reason: 'interrupted (ccsnap died); cleaned by recover', ...(thawedBy ? { thawedBy } : {}) });
    notes.push(left.length ? `set ${set.id}: ${left.length} snapshot(s) could not be deleted` : `set ${set.id} cleaned (${cleaned.filter((c) => c.state === 'deleted').length} snapshot(s) deleted)`);
  }
  journal.finishOperation(op.id, { state: 'failed', errorCode: 'CCSNAP_INTERRUPTED', errorMessage: `interrupted in state ${op.state}; recovered` });
  journal.releaseLocksOf(op.id);
  return { action: op.kind === 'create' ? 'thaw and clean' : 'close', outcome: 'recovered', detail: notes.join('; ') || 'nothing to repair' };
}
