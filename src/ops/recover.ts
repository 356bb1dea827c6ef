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
  const decisions = planRecover(gatherFacts(rt), {
    auto: opts.auto, thawGuardMs: rt.settings.create.thawGuardMs, commandTimeoutMs: rt.hypervisorConfig.commandTimeoutMs,
  });
  return applyRecover(decisions, {
    journal: rt.journal(), hypervisorFor: (host) => rt.hypervisorFor(host), array: (n) => rt.array(n),
    compute: (signal) => rt.compute(signal), timeouts: { powerMs: rt.settings.timeouts.powerMs, arrayMs: rt.settings.timeouts.rollbackArrayMs, cleanupMs: rt.settings.timeouts.cleanupMs }, ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** The journal's unfinished and thaw-pending operations, the sets of the unfinished ones, and which owners live. */
function gatherFacts(rt: Runtime): RecoverFacts {
  const journal = rt.journal();
  const unfinished = journal.listUnfinishedOperations();
  const here = hostname();
  const setsOf = new Map<string, SetRecord[]>(unfinished.map((op) => [op.id, journal.listSetsOfOperation(op.id)]));
  const owners = new Set(unfinished.filter((op) => op.hostname === here).map((op) => op.pid));
  return {
    unfinished, thawPending: journal.listThawPending(), setsOf,
    liveOwners: new Set([...owners].filter((pid) => isProcessAlive(pid))),
    pid: process.pid, hostname: here, now: Date.now(),
  };
}
