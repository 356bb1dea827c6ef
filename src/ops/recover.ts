import { hostname } from 'node:os';
import { applyRecover, type RecoverReport } from '../engine/apply-recover.js';
import { planRecover, type RecoverFacts } from '../engine/plan-recover.js';
import type { SetRecord } from '../journal/index.js';
import { isProcessAlive } from '../journal/index.js';
import type { Runtime } from '../runtime.js';

export type { RecoverReport } from '../engine/apply-recover.js';

/** Bounds of what recover does itself: a resumed rollback's power and array calls, the clean-up of a set. */

/**
 * Finds operations a dead ccsnap left unfinished and repairs them: thaws their guests, completes
 * or cleans their snapshot sets, and (when not `auto`) finishes half-done rollbacks.
 * `auto` is the cheap pass every command runs at start: it never resumes a rollback.
 * Gathers the facts, plans (engine/plan-recover), applies (engine/apply-recover).
 */
export async function recoverOperations(rt: Runtime, opts: { auto: boolean; signal?: AbortSignal }): Promise<RecoverReport[]> {
  const decisions = planRecover(await gatherFacts(rt), {
    auto: opts.auto,
    thawGuardMs: rt.settings.create.thawGuardMs,
    commandTimeoutMs: rt.hypervisorConfig.commandTimeoutMs,
  });
  const reports = await applyRecover(decisions, {
    journal: rt.journal(),
    hypervisorFor: (host) => rt.hypervisorFor(host),
    array: (n) => rt.array(n),
    compute: (signal) => rt.compute(signal),
    timeouts: { powerMs: rt.settings.timeouts.powerMs, arrayMs: rt.settings.timeouts.rollbackArrayMs, cleanupMs: rt.settings.timeouts.cleanupMs },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return [...reports, ...(await releaseOrphanedLocks(rt))];
}

/**
 * A ccsnap takes an instance's lock before its pre-checks and journals its operation only after them: one
 * killed in between leaves a lock and nothing else (no freeze was sent, no snapshot made). Such a lock,
 * held by a dead process on this machine for no unfinished operation, is released; any other lock is kept.
 */
async function releaseOrphanedLocks(rt: Runtime): Promise<RecoverReport[]> {
  const journal = rt.journal();
  const open = new Set((await journal.listUnfinishedOperations()).map((op) => op.id));
  const here = hostname();
  const orphaned = (await journal.listLocks()).filter((l) => l.hostname === here && l.pid !== process.pid && !isProcessAlive(l.pid) && !open.has(l.opId));
  const reports: RecoverReport[] = [];
  for (const l of orphaned) {
    await journal.releaseLock(l.instanceId, l.opId);
    reports.push({
      opId: l.opId,
      kind: 'lock',
      instanceId: l.instanceId,
      instanceName: l.instanceId,
      startedAt: l.acquiredAt,
      action: 'release lock',
      outcome: 'recovered',
      code: 'CCSNAP_RECOVER_ORPHANED_LOCK',
      detail: `held by a dead ccsnap (pid ${l.pid}) that had journaled no operation yet (nothing was frozen or snapshotted); released`,
    });
  }
  return reports;
}

/** The journal's unfinished and thaw-pending operations, the sets of the unfinished ones, and which owners live. */
async function gatherFacts(rt: Runtime): Promise<RecoverFacts> {
  const journal = rt.journal();
  const unfinished = await journal.listUnfinishedOperations();
  const here = hostname();
  const setsOf = new Map<string, SetRecord[]>(
    await Promise.all(unfinished.map(async (op): Promise<[string, SetRecord[]]> => [op.id, await journal.listSetsOfOperation(op.id)])),
  );
  const owners = new Set(unfinished.filter((op) => op.hostname === here).map((op) => op.pid));
  return {
    unfinished,
    thawPending: await journal.listThawPending(),
    setsOf,
    liveOwners: new Set([...owners].filter((pid) => isProcessAlive(pid))),
    pid: process.pid,
    hostname: here,
    now: Date.now(),
  };
}
