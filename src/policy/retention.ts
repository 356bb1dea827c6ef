import { bucketKey, type BucketUnit } from './buckets.js';
import type { RetentionRules } from './types.js';

/**
 * The retention planner: pure, no I/O. It decides keep or prune for every set a policy made, with every
 * reason that keeps it, so `policy show` and a dry run can print each decision.
 *
 * Rules (restic `forget` semantics, per instance, each rule on its own, a set kept if any rule keeps it):
 * - keep_last N keeps the N newest counted sets;
 * - hourly/daily/weekly/monthly/yearly N keep the newest counted set in each of the N newest hours, days,
 *   ISO weeks, months or years (in the policy's time zone) that hold a counted set: a bucket without a
 *   set is not counted, so N daily keeps N days with sets, however far apart.
 * Counted sets: this policy's sets in state `complete`, created at or before `now`.
 * Safety, whatever the rules say:
 * - only sets made by this policy are ever decided (manual, other policies' and foreign sets are not in
 *   the output and never pruned);
 * - the newest complete set of an instance is kept (among all the instance's sets given);
 * - a set with clones on the array is kept;
 * - a set still being created, a failed set, an incomplete set (members gone from the array) and a set
 *   stamped after `now` (or unreadable) are kept and not counted: retention never chooses them as a bucket's set, and
 *   never deletes them (create and recover clean failed sets; an incomplete one is the operator's call).
 */
export type RetentionSetState = 'complete' | 'incomplete' | 'creating' | 'failed' | 'deleted';

export interface RetentionSet {
  id: string;
  instanceId: string;
  /** The policy that made the set; null for a manual (or foreign) set. */
  policy: string | null;
  /** ISO 8601 instant. */
  createdAt: string;
  state: RetentionSetState;
  hasClones: boolean;
}

export interface RetentionInput {
  policy: string;
  rules: RetentionRules;
  timezone: string;
  now: Date;
  sets: RetentionSet[];
}

export type RetentionRule = 'keep-last' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';

export type KeepReason =
  | { kind: 'rule'; rule: RetentionRule; rank: number; of: number; bucket: string | null }
  | { kind: 'newest-complete' }
  | { kind: 'has-clones' }
  | { kind: 'creating' }
  | { kind: 'failed' }
  | { kind: 'incomplete' }
  | { kind: 'future' };

export interface RetentionDecision {
  setId: string;
  instanceId: string;
  createdAt: string;
  state: RetentionSetState;
  action: 'keep' | 'prune';
  /** Every reason that keeps the set; empty when it is pruned. */
  reasons: KeepReason[];
}

const BUCKET_RULES: Array<{ rule: Exclude<RetentionRule, 'keep-last'>; unit: BucketUnit; count: (r: RetentionRules) => number }> = [
  { rule: 'hourly', unit: 'hour', count: (r) => r.hourly },
  { rule: 'daily', unit: 'day', count: (r) => r.daily },
  { rule: 'weekly', unit: 'week', count: (r) => r.weekly },
  { rule: 'monthly', unit: 'month', count: (r) => r.monthly },
  { rule: 'yearly', unit: 'year', count: (r) => r.yearly },
];

/** Decisions for this policy's sets: grouped by instance, newest first within one. */
export function planRetention(input: RetentionInput): RetentionDecision[] {
  const byInstance = new Map<string, RetentionSet[]>();
  for (const s of input.sets) {
    if (s.state === 'deleted') continue;
    const list = byInstance.get(s.instanceId) ?? [];
    list.push(s);
    byInstance.set(s.instanceId, list);
  }
  const decisions: RetentionDecision[] = [];
  for (const instanceId of [...byInstance.keys()].sort()) decisions.push(...planInstance(input, byInstance.get(instanceId)!));
  return decisions;
}

function planInstance(input: RetentionInput, sets: RetentionSet[]): RetentionDecision[] {
  const newestFirst = [...sets].sort(newerFirst);
  const reasons = new Map<string, KeepReason[]>();
  const keep = (id: string, reason: KeepReason) => reasons.set(id, [...(reasons.get(id) ?? []), reason]);
  const now = input.now.getTime();
  const newestComplete = newestFirst.find((s) => s.state === 'complete' && time(s) <= now);
  const own = newestFirst.filter((s) => s.policy === input.policy);
  const counted = own.filter((s) => s.state === 'complete' && time(s) <= now);

  applyKeepLast(counted, input.rules.keepLast, keep);
  for (const b of BUCKET_RULES) applyBuckets(counted, b.rule, b.unit, b.count(input.rules), input.timezone, keep);
  for (const s of own) {
    if (s === newestComplete) keep(s.id, { kind: 'newest-complete' });
    if (s.hasClones) keep(s.id, { kind: 'has-clones' });
    const notCounted = notCountedReason(s, now);
    if (notCounted) keep(s.id, notCounted);
  }
  return own.map((s) => {
    const why = reasons.get(s.id) ?? [];
    return { setId: s.id, instanceId: s.instanceId, createdAt: s.createdAt, state: s.state, action: why.length > 0 ? 'keep' : 'prune', reasons: why };
  });
}

function applyKeepLast(counted: RetentionSet[], n: number, keep: (id: string, r: KeepReason) => void): void {
  counted.slice(0, n).forEach((s, i) => keep(s.id, { kind: 'rule', rule: 'keep-last', rank: i + 1, of: n, bucket: null }));
}

/** The newest set of each of the `n` newest buckets that hold a set (`counted` is newest first). */
function applyBuckets(
  counted: RetentionSet[],
  rule: RetentionRule,
  unit: BucketUnit,
  n: number,
  timezone: string,
  keep: (id: string, r: KeepReason) => void,
): void {
  let last: string | null = null;
  let rank = 0;
  for (const s of counted) {
    if (rank >= n) return;
    const bucket = bucketKey(new Date(s.createdAt), unit, timezone);
    if (bucket === last) continue;
    last = bucket;
    rank += 1;
    keep(s.id, { kind: 'rule', rule, rank, of: n, bucket });
  }
}

function notCountedReason(s: RetentionSet, now: number): KeepReason | null {
  if (s.state === 'creating') return { kind: 'creating' };
  if (s.state === 'failed') return { kind: 'failed' };
  if (s.state === 'incomplete') return { kind: 'incomplete' };
  if (!(time(s) <= now)) return { kind: 'future' };
  return null;
}

function time(s: RetentionSet): number {
  return Date.parse(s.createdAt);
}

/** Newest first; equal instants by id, so the order (and every decision) is deterministic. */
function newerFirst(a: RetentionSet, b: RetentionSet): number {
  return time(b) - time(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** One line per reason, for tables: "daily 2/7 (2026-10-24)", "newest complete set of the instance". */
export function describeReason(r: KeepReason): string {
  switch (r.kind) {
    case 'rule':
      return `${r.rule} ${r.rank}/${r.of}${r.bucket ? ` (${r.bucket})` : ''}`;
    case 'newest-complete':
      return 'newest complete set of the instance';
    case 'has-clones':
      return 'has clones on the array';
    case 'creating':
      return 'still being created';
    case 'failed':
      return 'failed (not counted; create and recover clean it up)';
    case 'incomplete':
      return 'incomplete on the array (not counted; never pruned automatically)';
    case 'future':
      return 'created after now, or at an unreadable time (not counted)';
  }
}
