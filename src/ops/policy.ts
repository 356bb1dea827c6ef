import { CcsnapError } from '../errors.js';
import { listProjects } from '../openstack/projects.js';
import { retentionSetsFromCatalog } from '../policy/catalog-sets.js';
import type { MatchableServer } from '../policy/match.js';
import { matchInstances } from '../policy/match.js';
import type { Policy } from '../policy/types.js';
import { describePolicy, summarizePolicy, type PolicyDetail, type PolicySummary } from '../policy/view.js';
import type { Runtime } from '../runtime.js';
import { gatherInventory } from './inventory.js';
import { requireName } from './resolve.js';
import { catalogFor } from './snapshots.js';

/** Every policy of the cloud, with its next occurrence and the newest one the journal records. No cloud I/O. */
export async function listPolicies(rt: Runtime, now: Date = new Date()): Promise<PolicySummary[]> {
  const journal = rt.journal();
  const latest = await Promise.all(rt.settings.policies.map((p) => journal.listOccurrences({ policy: p.name, limit: 1 })));
  return rt.settings.policies.map((p, i) => summarizePolicy(p, latest[i]![0], now));
}

export function findPolicy(rt: Runtime, name: string): Policy {
  requireName(name, 'policy');
  const policy = rt.settings.policies.find((p) => p.name === name);
  if (!policy) {
    const known = rt.settings.policies.map((p) => p.name);
    throw new CcsnapError(
      'CCSNAP_POLICY_NOT_FOUND',
      `no policy ${name} for cloud ${rt.settings.cloudName}${known.length ? ` (policies: ${known.join(', ')})` : ' (it has no policies)'}`,
    );
  }
  return policy;
}

/**
 * One policy in full: the instances it matches now (one server list, one volume list, and the projects
 * when it selects by project), its next and recent occurrences, and what retention would keep and prune
 * now with the rule that keeps each set (the array's truth: one snapshot list per filesystem).
 */
export async function showPolicy(rt: Runtime, name: string, opts: { signal?: AbortSignal; now?: Date } = {}): Promise<PolicyDetail> {
  const policy = findPolicy(rt, name);
  rt.requireArrays();
  const sig = opts.signal ? { signal: opts.signal } : {};
  const inventory = await gatherInventory(rt, sig);
  const projectNames = policy.instances.projects ? await projectNamesById(rt, opts.signal) : new Map<string, string>();
  const servers: MatchableServer[] = [...inventory.servers.values()].map((s) => ({
    id: s.id,
    name: s.name,
    projectId: s.projectId,
    projectName: projectNames.get(s.projectId) ?? null,
    metadata: s.metadata ?? {},
  }));
  const ids = new Set(matchInstances(policy, servers).map((s) => s.id));
  const matched = inventory.instances.filter((i) => ids.has(i.instance.id));
  const entries = matched.length > 0 ? await catalogFor(rt, matched, opts.signal) : [];
  const journalSets = (await rt.journal().listSets()).filter((s) => ids.has(s.instanceId));
  return describePolicy({
    policy,
    servers,
    now: opts.now ?? new Date(),
    occurrences: await rt.journal().listOccurrences({ policy: policy.name, limit: 5 }),
    sets: retentionSetsFromCatalog(journalSets, entries),
  });
}

async function projectNamesById(rt: Runtime, signal?: AbortSignal): Promise<Map<string, string>> {
  const session = await rt.session(signal);
  return new Map((await listProjects(session, signal ? { signal } : {})).map((p) => [p.id, p.name]));
}
