import { applyRollback, type RollbackResult } from '../engine/apply-rollback.js';
import { assertMapped } from '../engine/mapped.js';
import { planRollback, type RollbackPlan } from '../engine/plan-rollback.js';
import { CcsnapError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { gatherInventory } from './inventory.js';
import { pickInstance, requireName } from './resolve.js';
import { refuseOtherInstancesSet, resolveSetMembers } from './set-members.js';
import { catalogFor } from './snapshots.js';

export interface RollbackRequest {
  instance: string;
  set: string;
  discardNewer?: boolean;
  partial?: boolean;
  safety?: boolean;
  start?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  confirm?: (plan: RollbackPlan) => Promise<boolean>;
  /** Called with the plan once it is made, before anything changes (e.g. to print it with --yes). */
  onPlan?: (plan: RollbackPlan) => void;
  signal?: AbortSignal;
  powerTimeoutMs?: number;
}

/** Plans (and, confirmed, applies) a rollback of every array volume of an instance to one set. */
export async function rollbackInstance(rt: Runtime, req: RollbackRequest): Promise<{ plan: RollbackPlan; result?: RollbackResult }> {
  requireName(req.instance, 'instance');
  requireName(req.set, 'set');
  rt.requireArrays();
  const sig = req.signal ? { signal: req.signal } : {};
  const inventory = await gatherInventory(rt, { instance: req.instance, ...sig });
  const entry = pickInstance(inventory.instances, req.instance);
  assertMapped(entry.instance, entry.volumes, 'nothing was stopped or rolled back');
  await refuseOtherInstancesSet(rt, entry.instance, req.set, 'nothing was changed');
  const catalog = await catalogFor(rt, [entry], req.signal);
  const members = await resolveSetMembers(rt, entry.instance.id, req.set, catalog);
  const snapshotsByFs = new Map<string, Array<{ name: string; path: string; clones: number; timestamp: string }>>();
  for (const e of catalog) {
    if (!e.onArray || !e.path) continue;
    snapshotsByFs.set(e.fsId, [...(snapshotsByFs.get(e.fsId) ?? []), { name: e.name, path: e.path, clones: e.clones, timestamp: e.created ?? '' }]);
  }
  const plan = planRollback(
    { instance: entry.instance, setId: req.set, members, volumes: entry.volumes, snapshotsByFs, semanticsByArray: (n) => rt.rollbackSemantics(n) },
    {
      discardNewer: req.discardNewer ?? false,
      partial: req.partial ?? false,
      safety: req.safety ?? true,
      ...(req.start !== undefined ? { start: req.start } : {}),
    },
  );
  req.onPlan?.(plan);
  if (req.dryRun) return { plan };
  if (!req.yes) {
    if (!req.confirm)
      throw new CcsnapError('CCSNAP_CONFIRM_REQUIRED', `rolling back ${entry.instance.name} needs a confirmation, and none was given`, { exitCode: 2 });
    if (!(await req.confirm(plan))) throw new CcsnapError('CCSNAP_DECLINED', 'cancelled; nothing was changed');
  }
  const result = await applyRollback(plan, {
    journal: rt.journal(),
    array: (n) => rt.array(n),
    compute: await rt.compute(req.signal),
    hypervisor: rt.hypervisorFor(entry.instance.host),
    safetyMembers: entry.volumes.filter((v) => v.array).map((v) => ({ volumeId: v.id, arrayName: v.array!.name, fsId: v.array!.fsId })),
    ...sig,
    timeouts: { powerMs: req.powerTimeoutMs ?? rt.settings.timeouts.powerMs, arrayMs: rt.settings.timeouts.rollbackArrayMs },
  });
  return { plan, result };
}
