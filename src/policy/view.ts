import type { OccurrenceRecord, OccurrenceState } from '../journal/types.js';
import { formatMs } from './fields.js';
import { matchInstances, type MatchableServer } from './match.js';
import { describeReason, planRetention, type RetentionSet } from './retention.js';
import { compileSchedule } from './schedule.js';
import type { InstanceSelector, Policy, RetentionRules } from './types.js';

/**
 * What `policy list` and `policy show` print, built from facts gathered elsewhere (pure). Instants are
 * written in the policy's zone with their offset (2026-03-29T03:00:00+02:00), so a reader sees both the
 * local time and the instant.
 */
export interface PolicySummary {
  name: string;
  schedule: string;
  timezone: string;
  /** The next occurrence after now (null: none). */
  next: string | null;
  /** The newest occurrence the journal records, and its state. */
  lastOccurrence: string | null;
  lastState: OccurrenceState | null;
  missed: string;
  spread: string;
  retention: string;
  instances: string;
}

export function summarizePolicy(policy: Policy, last: OccurrenceRecord | undefined, now: Date): PolicySummary {
  const next = compileSchedule(policy.schedule, policy.timezone, now).next(now);
  return {
    name: policy.name,
    schedule: policy.schedule,
    timezone: policy.timezone,
    next: next ? formatLocal(next, policy.timezone) : null,
    lastOccurrence: last ? formatLocal(new Date(last.scheduledAt), policy.timezone) : null,
    lastState: last?.state ?? null,
    missed: policy.missed,
    spread: policy.spreadMs ? formatMs(policy.spreadMs) : '0s',
    retention: retentionText(policy.retention),
    instances: selectorText(policy.instances),
  };
}

export interface PolicyDetail extends PolicySummary {
  create: string;
  notify: string | null;
  nextOccurrences: string[];
  recentOccurrences: Array<{ occurrence: string; scheduled: string; state: OccurrenceState; reason: string | null }>;
  matchedInstances: Array<{ id: string; name: string; projectId: string }>;
  retentionDecisions: Array<{ setId: string; instanceId: string; created: string; state: string; action: 'keep' | 'prune'; keptBy: string[] }>;
  keep: number;
  prune: number;
}

export interface DescribeInput {
  policy: Policy;
  servers: MatchableServer[];
  /** This policy's occurrences, newest first (as the journal lists them). */
  occurrences: OccurrenceRecord[];
  /** Every set of the matched instances (any maker: the newest complete set is the instance's). */
  sets: RetentionSet[];
  now: Date;
  nextCount?: number;
  recentCount?: number;
}

export function describePolicy(input: DescribeInput): PolicyDetail {
  const { policy, now } = input;
  const matched = matchInstances(policy, input.servers);
  const ids = new Set(matched.map((s) => s.id));
  const decisions = planRetention({
    policy: policy.name,
    rules: policy.retention,
    timezone: policy.timezone,
    now,
    sets: input.sets.filter((s) => ids.has(s.instanceId)),
  });
  const schedule = compileSchedule(policy.schedule, policy.timezone, now);
  return {
    ...summarizePolicy(policy, input.occurrences[0], now),
    create: `freeze ${policy.create.freeze}, max_freeze ${formatMs(policy.create.maxFreezeMs)}, per_host ${policy.create.perHost}, concurrency ${policy.create.concurrency}${policy.create.bootOnly ? ', boot_only' : ''}`,
    notify: policy.notify ? `${webhookText(policy.notify.webhook)} on ${policy.notify.on.join(', ')}` : null,
    nextOccurrences: schedule.nextN(now, input.nextCount ?? 5).map((d) => formatLocal(d, policy.timezone)),
    recentOccurrences: input.occurrences.slice(0, input.recentCount ?? 5).map((o) => ({
      occurrence: o.occurrence,
      scheduled: formatLocal(new Date(o.scheduledAt), policy.timezone),
      state: o.state,
      reason: o.reason,
    })),
    matchedInstances: matched.map((s) => ({ id: s.id, name: s.name, projectId: s.projectId })),
    retentionDecisions: decisions.map((d) => ({
      setId: d.setId,
      instanceId: d.instanceId,
      created: d.createdAt,
      state: d.state,
      action: d.action,
      keptBy: d.reasons.map(describeReason),
    })),
    keep: decisions.filter((d) => d.action === 'keep').length,
    prune: decisions.filter((d) => d.action === 'prune').length,
  };
}

export function retentionText(r: RetentionRules): string {
  const parts: Array<[string, number]> = [
    ['keep_last', r.keepLast],
    ['hourly', r.hourly],
    ['daily', r.daily],
    ['weekly', r.weekly],
    ['monthly', r.monthly],
    ['yearly', r.yearly],
  ];
  return parts
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

export function selectorText(s: InstanceSelector): string {
  const parts: string[] = [];
  if (s.names) parts.push(`names ${s.names.join(', ')}`);
  if (s.projects) parts.push(`projects ${s.projects.join(', ')}`);
  if (s.metadata)
    parts.push(
      `metadata ${Object.entries(s.metadata)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  return parts.join('; ');
}

/** Scheme and host only: the path and query of a webhook often hold its token. */
export function webhookText(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(invalid URL)';
  }
}

const localFormatters = new Map<string, Intl.DateTimeFormat>();

/** `2026-03-29T03:00:00+02:00`: the instant in the zone, with the zone's offset. */
export function formatLocal(at: Date, timezone: string): string {
  let f = localFormatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    localFormatters.set(timezone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(at)) p[part.type] = part.value;
  const offset = /^(?:GMT|UTC)([+-]\d{2}:\d{2})?$/.exec(p.timeZoneName ?? '');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset ? (offset[1] ?? '+00:00') : ''}`;
}
