import { applyDelete, type DeleteResult } from '../engine/apply-delete.js';
import { assertMapped } from '../engine/mapped.js';
import { planDelete, type DeletePlan } from '../engine/plan-delete.js';
import { CcsnapError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { gatherInventory } from './inventory.js';
import { pickInstance, requireName } from './resolve.js';
import { refuseOtherInstancesSet } from './set-members.js';
import { catalogFor } from './snapshots.js';

export interface DeleteRequest {
  instance: string;
  refs: string[];
  keepLast?: number;
  olderThanMs?: number;
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Asked before deleting when `yes` is not set; returning false cancels. */
  confirm?: (plan: DeletePlan) => Promise<boolean>;
  yes?: boolean;
}

export async function deleteSnapshots(rt: Runtime, req: DeleteRequest): Promise<{ plan: DeletePlan; result?: DeleteResult }> {
  requireName(req.instance, 'instance');
  for (const ref of req.refs) requireName(ref, 'set');
  rt.requireArrays();
  const inventory = await gatherInventory(rt, { instance: req.instance, ...(req.signal ? { signal: req.signal } : {}) });
  const entry = pickInstance(inventory.instances, req.instance);
  // A volume whose filesystem is ambiguous has no known snapshots: a set would be deleted only in part.
  assertMapped(entry.instance, entry.volumes, 'nothing was deleted', (v) => v.arrayProblem?.code === 'CCSNAP_ARRAY_FS_AMBIGUOUS');
  for (const ref of req.refs) await refuseOtherInstancesSet(rt, entry.instance, ref, 'nothing was deleted');
  const catalog = await catalogFor(rt, [entry], req.signal);
  const plan = planDelete(entry.instance, catalog, {
    refs: req.refs,
    now: new Date(),
    journalSets: await rt.journal().listSets({ instanceId: entry.instance.id }),
    ...(req.keepLast !== undefined ? { keepLast: req.keepLast } : {}),
    ...(req.olderThanMs !== undefined ? { olderThanMs: req.olderThanMs } : {}),
  });
  if (req.dryRun || plan.deletions.length === 0) return { plan };
  // Deleting only what is already gone changes nothing on the array: no confirmation needed.
  if (!req.yes && plan.deletions.some((d) => d.onArray)) {
    if (!req.confirm)
      throw new CcsnapError(
        'CCSNAP_CONFIRM_REQUIRED',
        `deleting ${plan.deletions.length} snapshot(s) of ${entry.instance.name} needs a confirmation, and none was given`,
        { exitCode: 2 },
      );
    if (!(await req.confirm(plan))) throw new CcsnapError('CCSNAP_DECLINED', 'cancelled; nothing was deleted');
  }
  const result = await applyDelete(plan, { journal: rt.journal(), array: (n) => rt.array(n), timeouts: { arrayMs: rt.settings.timeouts.arrayMs } });
  return { plan, result };
}
