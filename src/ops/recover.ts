import { hostname } from 'node:os';
import { resumeRollback } from '../engine/apply-rollback.js';
import { cleanupMembers } from '../engine/members.js';
import type { RollbackPlan } from '../engine/plan-rollback.js';
import { thawVerified } from '../engine/thaw.js';
import { toCcsnapError } from '../errors.js';
import {
  adoptOperation, finishOperation, finishSet, isProcessAlive, listUnfinishedOperations, setsOfOperation, updateMember,
  type OperationRecord,
} from '../journal/index.js';
import type { Runtime } from '../runtime.js';

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
  for (const op of listUnfinishedOperations(rt.db())) {
    const base = { opId: op.id, kind: op.kind, instanceId: op.instanceId, instanceName: op.instanceName, startedAt: op.startedAt };
    if (op.pid === process.pid) continue;
    if (op.hostname !== hostname()) {
      reports.push({ ...base, action: 'none', outcome: 'skipped', detail: `started on another machine (${op.hostname})` });
      continue;
    }
    if (isProcessAlive(op.pid)) {
      reports.push({ ...base, action: 'none', outcome: 'skipped', detail: `still running (pid ${op.pid})` });
      continue;
    }
    if (op.kind === 'rollback' && opts.auto) {
      reports.push({ ...base, action: 'none', outcome: 'skipped', detail: 'half-done rollback: run "ccsnap recover" to finish it' });
      continue;
    }
    try {
      reports.push({ ...base, ...(await recoverOne(rt, op, opts.signal)) });
    } catch (err) {
      const e = toCcsnapError(err);
      reports.push({ ...base, action: 'recover', outcome: 'failed', detail: `${e.message} [${e.code}]` });
    }
  }
  return reports;
}

async function recoverOne(rt: Runtime, op: OperationRecord, signal?: AbortSignal): Promise<Pick<RecoverReport, 'action' | 'outcome' | 'detail'>> {
  const db = rt.db();
  adoptOperation(db, op.id);
  if (op.kind === 'rollback') {
    const compute = await rt.compute(signal);
    const plan = op.plan as RollbackPlan;
    const result = await resumeRollback(plan, {
      db, array: (n) => rt.array(n), compute, hypervisor: rt.hypervisorFor(plan.instance.host),
      timeouts: { powerMs: 300_000, arrayMs: 120_000 }, ...(signal ? { signal } : {}),
    }, op.id);
    if (result.state !== 'done') return { action: 'resume rollback', outcome: 'failed', detail: result.error?.message ?? 'failed' };
    return { action: 'resume rollback', outcome: 'recovered', detail: `rolled back ${result.volumes.length} volume(s) to set ${plan.setId}; instance ${result.instanceLeft}` };
  }
  const notes: string[] = [];
  if (op.kind === 'create' && ['freezing', 'frozen', 'thawed'].includes(op.state) && op.domain) {
    const outcome = await thawVerified(rt.hypervisorFor(op.host), op.domain, { callTimeoutMs: rt.hypervisorConfig.commandTimeoutMs, maxAttempts: 3 });
    notes.push(outcome.verified ? `guest ${op.domain} is thawed` : `could not confirm ${op.domain} thawed: ${outcome.errors.at(-1) ?? ''}`);
    if (!outcome.verified && !outcome.errors.some((e) => /not running|not configured|failed to get domain|no domain/i.test(e))) {
      throw new Error(notes.join('; '));
    }
  }
  for (const set of setsOfOperation(db, op.id)) {
    if (set.state !== 'creating') continue;
    if (set.members.every((m) => m.state === 'created')) {
      finishSet(db, set.id, { state: 'complete', reason: 'completed by recover' });
      notes.push(`set ${set.id} complete`);
      continue;
    }
    const cleaned = await cleanupMembers({ array: (n) => rt.array(n) }, set.members.map((m) => ({ ...m, device: null })), [], AbortSignal.timeout(60_000));
    for (const c of cleaned) updateMember(db, set.id, c.volumeId, { state: c.state, path: c.path, error: 'interrupted; cleaned by recover' });
    const left = cleaned.filter((c) => c.state === 'delete-failed');
    finishSet(db, set.id, { state: 'failed', reason: 'interrupted (ccsnap died); cleaned by recover' });
    notes.push(left.length ? `set ${set.id}: ${left.length} snapshot(s) could not be deleted` : `set ${set.id} cleaned (${cleaned.filter((c) => c.state === 'deleted').length} snapshot(s) deleted)`);
  }
  finishOperation(db, op.id, { state: 'failed', errorCode: 'CCSNAP_INTERRUPTED', errorMessage: `interrupted in state ${op.state}; recovered` });
  db.prepare('DELETE FROM locks WHERE op_id = ?').run(op.id);
  return { action: op.kind === 'create' ? 'thaw and clean' : 'close', outcome: 'recovered', detail: notes.join('; ') || 'nothing to repair' };
}
