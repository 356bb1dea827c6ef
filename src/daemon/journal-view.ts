import type { Journal, OperationRecord, SetRecord } from '../journal/index.js';
import { ageSeconds, judgeLateness } from './lateness.js';
import { NO_POLICIES, type PolicyDescriptor, type PolicySource } from './policy-source.js';
import type { DaemonView, FailureQuery, FailureSummary, FreezeWindow, InstanceStatus, PolicyStatus, SetQuery, SetSummary, ViewCall } from './view.js';

/** How far back an instance's failures are looked for (older ones are not "recent"). */
export const FAILURE_LOOKBACK_MS = 7 * 24 * 3600_000;
/** At most this many failures per instance on the status page and in the API. */
export const FAILURES_PER_INSTANCE = 3;
/** At most this many points in the freeze-window chart and its API. */
export const MAX_FREEZE_WINDOWS = 5000;

export interface JournalViewOptions {
  journal: Journal;
  /** The scheduler's policies; without it the view has none. */
  policies?: PolicySource;
  /**
   * Which complete sets make an instance on time for a policy. `instance` (default): any, whoever made it
   * (a manual set, another policy's) — the question is whether the instance has a recent recovery point,
   * as retention's "never the newest complete set of an instance" reads it; the policy's own failures still
   * show. `policy`: only the sets that policy made (the question is whether the schedule works).
   */
  attribution?: 'instance' | 'policy';
}

/** A DaemonView read from the journal (sets, failures, freeze windows, thaws pending) and a PolicySource. */
export function createJournalView(opts: JournalViewOptions): DaemonView {
  const { journal } = opts;
  const source = opts.policies ?? NO_POLICIES;
  return {
    async policies(call) {
      const descriptors = await source.list(call);
      if (descriptors.length === 0) return [];
      const good = newestGoodSets(await journal.listSets({ states: ['complete'] }), opts.attribution ?? 'instance');
      const since = new Date(call.now.getTime() - FAILURE_LOOKBACK_MS).toISOString();
      const failures = groupByInstance(await journal.listOperations({ states: ['failed'], since }));
      return descriptors.map((d) => policyStatus(d, good, failures, call));
    },
    async sets(query) {
      return (await selectSets(journal, query)).map(toSetSummary);
    },
    async freezeWindows(since) {
      return (await journal.listSets())
        .filter((s) => s.frozenMs !== null && s.createdAt >= since)
        .slice(0, MAX_FREEZE_WINDOWS)
        .map(toFreezeWindow)
        .reverse();
    },
    async failures(query: FailureQuery) {
      const ops = await journal.listOperations({
        states: ['failed'],
        limit: query.limit,
        ...(query.instanceId ? { instanceId: query.instanceId } : {}),
        ...(query.since ? { since: query.since } : {}),
      });
      return ops.map(toFailure);
    },
    async guestsFrozen() {
      return (await journal.listThawPending()).length;
    },
    triggerPolicy: (name, call) => source.trigger(name, call),
  };
}

/** The policy that made a set (null: a manual set, which serves no policy). */
function policyOf(set: SetRecord): string | null {
  return set.policy;
}

/**
 * The newest complete set per key: `policy\0instanceId` for sets a policy made (attribution `policy`), or
 * `\0instanceId` for every set of the instance (attribution `instance`).
 */
function newestGoodSets(complete: SetRecord[], attribution: 'instance' | 'policy'): Map<string, SetRecord> {
  const newest = new Map<string, SetRecord>();
  for (const set of complete) {
    const policy = attribution === 'policy' ? policyOf(set) : '';
    if (policy === null) continue; // a manual set serves no policy
    const key = `${policy}\0${set.instanceId}`;
    const seen = newest.get(key);
    if (!seen || set.createdAt > seen.createdAt) newest.set(key, set);
  }
  return newest;
}

function groupByInstance(ops: OperationRecord[]): Map<string, OperationRecord[]> {
  const byInstance = new Map<string, OperationRecord[]>();
  for (const op of ops) {
    const list = byInstance.get(op.instanceId) ?? [];
    list.push(op);
    byInstance.set(op.instanceId, list);
  }
  return byInstance;
}

function policyStatus(d: PolicyDescriptor, good: Map<string, SetRecord>, failures: Map<string, OperationRecord[]>, call: ViewCall): PolicyStatus {
  const instances = d.instances.map((i): InstanceStatus => {
    const set = good.get(`${d.name}\0${i.id}`) ?? good.get(`\0${i.id}`);
    const recent = (failures.get(i.id) ?? []).filter((op) => !set || op.startedAt > set.createdAt).slice(0, FAILURES_PER_INSTANCE);
    return {
      instanceId: i.id,
      instanceName: i.name,
      newestGoodSet: set ? { setId: set.id, createdAt: set.createdAt, consistency: set.consistency } : null,
      ageSeconds: set ? ageSeconds(set.createdAt, call.now) : null,
      late: judgeLateness(set?.createdAt ?? null, d.lastDueOccurrence),
      recentFailures: recent.map(toFailure),
    };
  });
  return {
    name: d.name,
    schedule: d.schedule,
    timezone: d.timezone,
    previousOccurrence: d.previousOccurrence,
    nextOccurrence: d.nextOccurrence,
    lastRun: d.lastRun,
    instances,
  };
}

async function selectSets(journal: Journal, query: SetQuery): Promise<SetRecord[]> {
  const policy = query.policy !== undefined ? { policy: query.policy } : {};
  if (query.instance === undefined) return (await journal.listSets(policy)).slice(0, query.limit);
  const byId = await journal.listSets({ instanceId: query.instance, ...policy });
  const sets = byId.length > 0 ? byId : (await journal.listSets(policy)).filter((s) => s.instanceName === query.instance);
  return sets.slice(0, query.limit);
}

function toSetSummary(s: SetRecord): SetSummary {
  return {
    setId: s.id,
    instanceId: s.instanceId,
    instanceName: s.instanceName,
    label: s.label,
    createdAt: s.createdAt,
    state: s.state,
    consistency: s.consistency,
    frozenMs: s.frozenMs,
    thawedBy: s.thawedBy,
    policy: policyOf(s),
    members: s.members.length,
    reason: s.reason,
  };
}

function toFreezeWindow(s: SetRecord): FreezeWindow {
  return { at: s.createdAt, setId: s.id, instanceId: s.instanceId, instanceName: s.instanceName, frozenMs: s.frozenMs!, thawedBy: s.thawedBy };
}

function toFailure(op: OperationRecord): FailureSummary {
  return {
    at: op.finishedAt ?? op.startedAt,
    operationId: op.id,
    kind: op.kind,
    instanceId: op.instanceId,
    instanceName: op.instanceName,
    errorCode: op.errorCode,
    message: op.errorMessage,
  };
}
