import { randomUUID } from 'node:crypto';
import { toCcsnapError } from '../errors.js';
import type { Journal } from '../journal/index.js';
import { mapLimited } from '../util/limit.js';
import { nowMs } from '../util/time.js';
import type { DeletePlan, PlannedDeletion } from './plan-delete.js';
import type { ArrayPort } from './ports.js';
import { round } from './steps.js';
import { withDeadline } from '../util/deadline.js';

export interface DeleteDeps {
  journal: Journal;
  array(name: string): ArrayPort;
  timeouts: { arrayMs: number };
}

export interface DeletionOutcome extends PlannedDeletion {
  outcome: 'deleted' | 'already-absent' | 'failed';
  error?: string;
  durationMs: number;
}

export interface DeleteResult {
  opId: string;
  instanceId: string;
  instanceName: string;
  state: 'done' | 'failed';
  deletions: DeletionOutcome[];
}

/** Deletes the planned snapshots; already gone counts as success (noted). Idempotent. */
export async function applyDelete(plan: DeletePlan, deps: DeleteDeps): Promise<DeleteResult> {
  const opId = randomUUID();
  await deps.journal.acquireLock(plan.instance.id, opId);
  try {
    await deps.journal.insertOperation({ id: opId, kind: 'delete', instanceId: plan.instance.id, instanceName: plan.instance.name, plan });
    await deps.journal.setOperationState(opId, 'deleting');
    const deletions = await mapLimited(plan.deletions, 4, (d) => deleteOne(d, deps, opId));
    await markSets(deps.journal, deletions);
    const failed = deletions.filter((d) => d.outcome === 'failed');
    await deps.journal.finishOperation(
      opId,
      failed.length
        ? { state: 'failed', errorCode: 'CCSNAP_DELETE_INCOMPLETE', errorMessage: `${failed.length} snapshot(s) could not be deleted`, result: deletions }
        : { state: 'done', result: deletions },
    );
    return { opId, instanceId: plan.instance.id, instanceName: plan.instance.name, state: failed.length ? 'failed' : 'done', deletions };
  } finally {
    await deps.journal.releaseLock(plan.instance.id, opId);
  }
}

async function deleteOne(d: PlannedDeletion, deps: DeleteDeps, opId: string): Promise<DeletionOutcome> {
  const t0 = nowMs();
  const startedAt = new Date().toISOString();
  let outcome: DeletionOutcome;
  if (!d.onArray || !d.path) {
    outcome = { ...d, outcome: 'already-absent', durationMs: 0 };
  } else {
    const path = d.path;
    try {
      const r = await withDeadline(deps.timeouts.arrayMs, undefined, (signal) => deps.array(d.arrayName).deleteSnapshot({ fsId: d.fsId, path, signal }));
      outcome = { ...d, outcome: r.outcome, durationMs: round(nowMs() - t0) };
    } catch (err) {
      const e = toCcsnapError(err);
      outcome = { ...d, outcome: 'failed', error: `${e.message} [${e.code}]`, durationMs: round(nowMs() - t0) };
    }
  }
  await deps.journal.recordStep(opId, {
    name: 'delete-snapshot',
    status: outcome.outcome === 'failed' ? 'failed' : 'ok',
    startedAt,
    durationMs: outcome.durationMs,
    detail: { path: d.path, outcome: outcome.outcome },
  });
  return outcome;
}

/** Journal: snapshots gone → members deleted; a set with nothing left → deleted. */
async function markSets(journal: Journal, deletions: DeletionOutcome[]): Promise<void> {
  for (const d of deletions) if (d.outcome !== 'failed') await journal.markSnapshotGone(d.name);
}
