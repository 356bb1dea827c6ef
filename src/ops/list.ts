import type { Runtime } from '../runtime.js';
import { gatherInventory } from './inventory.js';
import { catalogFor, type ListedSnapshot } from './snapshots.js';

/**
 * `ccsnap list [INSTANCE]`: one server list, one volume list (both paged), one listFileSystem per array,
 * one listStorageSnapshots per array volume, one read of the journal's sets. For every instance the
 * journal is read while the inventory's requests are out.
 */
export async function listSnapshots(rt: Runtime, opts: { instance?: string; signal?: AbortSignal }): Promise<ListedSnapshot[]> {
  rt.requireArrays();
  const [inventory, allSets] =
    opts.instance === undefined ? await Promise.all([gatherInventory(rt, opts), rt.journal().listSets()]) : [await gatherInventory(rt, opts)];
  // One instance in all: its own sets, as `list INSTANCE` reads them (the same rows, in the same order).
  const sets = allSets && inventory.instances.length === 1 ? allSets.filter((s) => s.instanceId === inventory.instances[0]!.instance.id) : allSets;
  const entries = await catalogFor(rt, inventory.instances, opts.signal, sets);
  return entries.sort(
    (a, b) =>
      cmp(a.instance.name, b.instance.name) ||
      cmp(b.created ?? '', a.created ?? '') ||
      cmp(a.setId ?? a.name, b.setId ?? b.name) ||
      (a.index ?? 0) - (b.index ?? 0),
  );
}

/** Plain code-point order: stable across locales, and much cheaper than localeCompare on 10^5 rows. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
