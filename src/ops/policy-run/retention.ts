import { applyDelete } from '../../engine/apply-delete.js';
import type { InstanceSnapshots } from '../../engine/catalog.js';
import { assertMapped } from '../../engine/mapped.js';
import { planDelete } from '../../engine/plan-delete.js';
import { toCcsnapError } from '../../errors.js';
import { retentionSetsFromCatalog } from '../../policy/catalog-sets.js';
import { describeReason, planRetention, type RetentionDecision } from '../../policy/retention.js';
import type { RetentionRun, RetentionRunDecision } from '../../policy/run-types.js';
import type { Policy } from '../../policy/types.js';
import { mapLimited } from '../../util/limit.js';
import { catalogFor, type ListedSnapshot } from '../snapshots.js';
import type { RunContext } from './context.js';

/**
 * Prunes a policy's sets by its retention: the planner decides from the journal checked against the
 * array (one snapshot list per filesystem of the matched instances), and each pruned set goes through
 * the delete engine (plan-delete + apply-delete: the instance lock, the journal, clones refused). Only
 * sets the journal records as made by this policy are ever deleted: manual sets, other policies' sets
 * and foreign snapshots are not even decided. A deletion that fails (the instance is busy) is reported
 * and tried again by the next run. A dry run returns every decision and deletes nothing.
 */
export async function applyRetention(ctx: RunContext, policy: Policy, entries: InstanceSnapshots[]): Promise<RetentionRun> {
  if (entries.length === 0) return { decisions: [] };
  // The journal's sets of the matched instances only (one indexed query each), not the whole journal's history.
  const journalSets = (await Promise.all(entries.map((e) => ctx.rt.journal().listSets({ instanceId: e.instance.id })))).flat();
  const catalog = await catalogFor(ctx.rt, entries, ctx.signal, journalSets);
  const decisions = planRetention({
    policy: policy.name,
    rules: policy.retention,
    timezone: policy.timezone,
    now: ctx.clock.now(),
    sets: retentionSetsFromCatalog(journalSets, catalog),
  });
  const names = new Map(entries.map((e) => [e.instance.id, e.instance.name]));
  const out = decisions.map((d) => toRunDecision(d, names.get(d.instanceId) ?? '', ctx.dryRun));
  if (ctx.dryRun) return { decisions: out };
  // Whatever the planner says, only this policy's own sets in the journal are deleted.
  const own = new Set(journalSets.filter((s) => s.policy === policy.name).map((s) => s.id));
  const byInstance = new Map<string, string[]>();
  for (const d of decisions) {
    if (d.action !== 'prune' || !own.has(d.setId)) continue;
    byInstance.set(d.instanceId, [...(byInstance.get(d.instanceId) ?? []), d.setId]);
  }
  const outcomes = new Map<string, { ok: boolean; error: string | null }>();
  await mapLimited([...byInstance.entries()], 4, async ([instanceId, setIds]) => {
    const entry = entries.find((e) => e.instance.id === instanceId)!;
    const result = await pruneInstance(ctx, entry, setIds, catalog);
    for (const id of setIds) outcomes.set(id, result.get(id) ?? { ok: false, error: 'not deleted' });
  });
  for (const d of out) {
    if (d.action !== 'prune') continue;
    const o = outcomes.get(d.setId) ?? { ok: false, error: "not this policy's set in the journal; left alone" };
    d.outcome = o.ok ? 'deleted' : 'failed';
    d.error = o.error;
  }
  for (const d of out.filter((x) => x.outcome === 'failed')) ctx.log.warn(`${policy.name}: could not prune set ${d.setId} of ${d.instanceName}: ${d.error}`);
  return { decisions: out };
}

/** Deletes the sets of one instance through the delete engine; per set: deleted, or why not. */
async function pruneInstance(
  ctx: RunContext,
  entry: InstanceSnapshots,
  setIds: string[],
  catalog: ListedSnapshot[],
): Promise<Map<string, { ok: boolean; error: string | null }>> {
  const out = new Map<string, { ok: boolean; error: string | null }>();
  try {
    // As `delete`: a volume whose filesystem is ambiguous has no known snapshots, so a set would go only in part.
    assertMapped(entry.instance, entry.volumes, 'nothing was pruned', (v) => v.arrayProblem?.code === 'CCSNAP_ARRAY_FS_AMBIGUOUS');
    const plan = planDelete(
      entry.instance,
      catalog.filter((e) => e.instance.id === entry.instance.id),
      {
        refs: setIds,
        now: ctx.clock.now(),
        journalSets: await ctx.rt.journal().listSets({ instanceId: entry.instance.id }),
      },
    );
    const result = await applyDelete(plan, {
      journal: ctx.rt.journal(),
      array: (n) => ctx.rt.array(n),
      timeouts: { arrayMs: ctx.rt.settings.timeouts.arrayMs },
    });
    for (const id of setIds) {
      const failed = result.deletions.filter((d) => d.setId === id && d.outcome === 'failed');
      out.set(id, failed.length === 0 ? { ok: true, error: null } : { ok: false, error: failed.map((f) => f.error).join('; ') });
    }
  } catch (err) {
    const e = toCcsnapError(err);
    for (const id of setIds) out.set(id, { ok: false, error: `${e.message} [${e.code}]` });
  }
  return out;
}

function toRunDecision(d: RetentionDecision, instanceName: string, dryRun: boolean): RetentionRunDecision {
  return {
    setId: d.setId,
    instanceId: d.instanceId,
    instanceName,
    createdAt: d.createdAt,
    action: d.action,
    keptBy: d.reasons.map(describeReason),
    outcome: d.action === 'keep' ? 'kept' : dryRun ? 'planned' : 'failed',
    error: null,
  };
}
