import { hostname } from 'node:os';
import { applyRecover, type RecoverReport } from '../engine/apply-recover.js';
import { planRecover, type RecoverFacts } from '../engine/plan-recover.js';
import type { LockHolder, SetRecord } from '../journal/index.js';
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
 * killed in between (or, on a shared journal, stopped past its lease and fenced: it can write nothing more,
 * its lock included) leaves a lock and nothing else (no freeze was sent, no snapshot made). Such a lock, held
 * for no unfinished operation by an owner known dead, is released; any other lock is kept.
 */
async function releaseOrphanedLocks(rt: Runtime): Promise<RecoverReport[]> {
  const journal = rt.journal();
  const open = new Set((await journal.listUnfinishedOperations()).map((op) => op.id));
  const orphaned = (await journal.listLocks()).filter((l) => !open.has(l.opId) && holderDead(l));
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
      detail: `held by a dead ccsnap (pid ${l.pid} on ${l.hostname}) that had journaled no operation yet (nothing was frozen or snapshotted); released`,
    });
  }
  return reports;
}

/**
 * The holder of a lock is dead as its journal can tell: a shared journal's lease ran out, or (SQLite) its
 * process on this machine is gone; a lock without an owner, by its pid on this machine. Never this process's.
 */
function holderDead(l: LockHolder): boolean {
  const here = hostname();
  if (l.pid === process.pid && l.hostname === here) return false;
  if (l.ownerAlive !== null) return !l.ownerAlive;
  return l.hostname === here && !isProcessAlive(l.pid);
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
