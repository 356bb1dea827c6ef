import type { InstanceSnapshots } from '../../engine/catalog.js';
import { listProjects } from '../../openstack/projects.js';
import { matchInstances, type MatchableServer } from '../../policy/match.js';
import type { Policy } from '../../policy/types.js';
import type { Runtime } from '../../runtime.js';
import type { RunClock } from '../../util/clock.js';
import { gatherInventory, type Inventory } from '../inventory.js';

/**
 * The cloud as a run sees it: one server list, one volume list and the arrays' filesystems (plus
 * Keystone's projects when a policy selects by project name), gathered once and gathered again only
 * when an instance starts more than `maxAgeMs` later (a spread or a retry): a volume attached meanwhile
 * is then in its set.
 */
export interface InventoryCache {
  /** The instances a policy matches now, in Nova's order. */
  matched(policy: Policy): Promise<InstanceSnapshots[]>;
  /** One instance as fresh as `maxAgeMs`; undefined when Nova no longer lists it. */
  entry(instanceId: string): Promise<InstanceSnapshots | undefined>;
}

interface Gathered {
  at: number;
  inventory: Inventory;
  byId: Map<string, InstanceSnapshots>;
}

export function createInventoryCache(rt: Runtime, opts: { clock: RunClock; maxAgeMs: number; signal?: AbortSignal }): InventoryCache {
  let current: Promise<Gathered> | undefined;
  /** The gathered inventory once `current` has settled well (undefined while it is pending). */
  let held: Gathered | undefined;
  let projects: Promise<Map<string, string>> | undefined;
  const sig = opts.signal ? { signal: opts.signal } : {};
  const fresh = (): Promise<Gathered> => {
    const pending = current !== undefined && held === undefined;
    if (pending || (held && opts.clock.now().getTime() - held.at <= opts.maxAgeMs)) return current!;
    held = undefined;
    const gathering = gatherInventory(rt, sig).then((inventory) => {
      const g = { at: opts.clock.now().getTime(), inventory, byId: new Map(inventory.instances.map((i) => [i.instance.id, i])) };
      if (current === gathering) held = g;
      return g;
    });
    // A failed gathering is not kept: the next caller tries again.
    gathering.catch(() => {
      if (current === gathering) current = undefined;
    });
    current = gathering;
    return gathering;
  };
  const projectNames = (): Promise<Map<string, string>> => {
    projects ??= rt
      .session(opts.signal)
      .then((s) => listProjects(s, sig))
      .then((list) => new Map(list.map((p) => [p.id, p.name])));
    projects.catch(() => (projects = undefined));
    return projects;
  };
  return {
    async matched(policy) {
      const g = await fresh();
      const names = policy.instances.projects ? await projectNames() : new Map<string, string>();
      const servers: MatchableServer[] = [...g.inventory.servers.values()].map((s) => ({
        id: s.id,
        name: s.name,
        projectId: s.projectId,
        projectName: names.get(s.projectId) ?? null,
        metadata: s.metadata ?? {},
      }));
      return matchInstances(policy, servers)
        .map((s) => g.byId.get(s.id))
        .filter((e): e is InstanceSnapshots => e !== undefined);
    },
    async entry(instanceId) {
      return (await fresh()).byId.get(instanceId);
    },
  };
}
