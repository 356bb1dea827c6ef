import type { Runtime } from '../runtime.js';
import { gatherInventory } from './inventory.js';
import { catalogFor, type ListedSnapshot } from './snapshots.js';

/** `ccsnap list [INSTANCE]`: one server list, one volume list, one listStorageSnapshots per array volume. */
export async function listSnapshots(rt: Runtime, opts: { instance?: string; signal?: AbortSignal }): Promise<ListedSnapshot[]> {
  rt.requireArrays();
  const inventory = await gatherInventory(rt, opts);
  const entries = await catalogFor(rt, inventory.instances, opts.signal);
  return entries.sort((a, b) => a.instance.name.localeCompare(b.instance.name) || (b.created ?? '').localeCompare(a.created ?? '') || (a.setId ?? a.name).localeCompare(b.setId ?? b.name) || (a.index ?? 0) - (b.index ?? 0));
}
