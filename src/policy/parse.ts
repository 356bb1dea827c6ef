import type { FreezePolicy } from '../engine/plan-create.js';
import {
  child,
  formatMs,
  policyError,
  readBoolean,
  readChoice,
  readDict,
  readDuration,
  readString,
  readStringList,
  readWholeNumber,
  refuseUnknownKeys,
  type FieldPath,
} from './fields.js';
import { globToRegExp } from './match.js';
import { compileSchedule, ScheduleError, type Schedule } from './schedule.js';
import type { InstanceSelector, MissedPolicy, NotifyEvent, Policy, PolicyCreate, PolicyNotify, RetentionRules } from './types.js';

/** The cloud's `create:` settings a policy starts from. */
export interface CreateDefaults {
  freeze: FreezePolicy;
  maxFreezeMs: number;
  perHost: number;
  concurrency: number;
}

export const POLICY_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const POLICY_KEYS = ['name', 'instances', 'schedule', 'timezone', 'retention', 'create', 'missed', 'spread', 'notify'] as const;
const RETENTION_KEYS = ['keep_last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
const CREATE_KEYS = ['freeze', 'max_freeze', 'per_host', 'concurrency', 'boot_only'] as const;
const NOTIFY_EVENTS: readonly NotifyEvent[] = ['failure', 'recovery', 'missed', 'success'];
const MAX_RETENTION = 10_000;
/** Occurrences looked at to check that `spread` is shorter than the time between two of them. */
const SPREAD_CHECK_OCCURRENCES = 48;

/**
 * Parses a cloud's `policies:` list (absent: none). Strict: unknown keys, a bad cron expression or zone,
 * durations without a unit, out-of-range counts and repeated names are refused with CCSNAP_POLICY_CONFIG,
 * one line naming the policy and the field. `now` anchors the checks that look at future occurrences.
 */
export function parsePolicies(raw: unknown, defaults: CreateDefaults, now: Date = new Date()): Policy[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw policyError({ where: 'policies', field: '' }, 'must be a list of policies');
  const seen = new Set<string>();
  return raw.map((entry: unknown, i) => {
    const policy = parsePolicy(entry, i, defaults, now);
    if (seen.has(policy.name)) throw policyError({ where: `policy ${policy.name}`, field: 'name' }, 'is given twice: policy names must be unique');
    seen.add(policy.name);
    return policy;
  });
}

function parsePolicy(entry: unknown, index: number, defaults: CreateDefaults, now: Date): Policy {
  const d = readDict(entry, { where: `policies[${index}]`, field: '' });
  const name = readName(d.name, index);
  const at: FieldPath = { where: `policy ${name}`, field: '' };
  refuseUnknownKeys(d, POLICY_KEYS, at);
  if (d.instances === undefined) throw policyError(child(at, 'instances'), 'is required (names, projects and/or metadata)');
  if (d.schedule === undefined) throw policyError(child(at, 'schedule'), 'is required (a cron expression, e.g. "0 * * * *")');
  if (d.retention === undefined) throw policyError(child(at, 'retention'), 'is required (keep_last, hourly, daily, weekly, monthly, yearly)');
  const timezone = d.timezone === undefined ? 'UTC' : readString(d.timezone, child(at, 'timezone'));
  const schedule = readSchedule(d.schedule, timezone, at, now);
  const spreadMs = d.spread === undefined ? 0 : readDuration(d.spread, { min: 0, max: 86_400_000, text: 'from 0s to 24h' }, child(at, 'spread'));
  checkSpread(spreadMs, schedule, child(at, 'spread'), now);
  return {
    name,
    instances: readInstances(d.instances, child(at, 'instances')),
    schedule: schedule.expression,
    timezone,
    retention: readRetention(d.retention, child(at, 'retention')),
    create: readCreate(d.create, defaults, child(at, 'create')),
    missed: d.missed === undefined ? 'run-once' : readChoice<MissedPolicy>(d.missed, ['run-once', 'skip'], child(at, 'missed')),
    spreadMs,
    notify: d.notify === undefined ? null : readNotify(d.notify, child(at, 'notify')),
  };
}

function readName(v: unknown, index: number): string {
  const at = { where: `policies[${index}]`, field: 'name' };
  if (v === undefined) throw policyError(at, 'is required');
  if (typeof v !== 'string' || !POLICY_NAME_RE.test(v)) {
    throw policyError(at, 'must be 1-32 characters: letters, digits, "-" and "_", starting with a letter or digit');
  }
  return v;
}

function readSchedule(v: unknown, timezone: string, at: FieldPath, now: Date): Schedule {
  const expression = readString(v, child(at, 'schedule'));
  try {
    return compileSchedule(expression, timezone, now);
  } catch (err) {
    if (err instanceof ScheduleError) throw policyError(child(at, err.field), err.message);
    throw err;
  }
}

/** The start times of one occurrence must end before the next occurrence begins. */
function checkSpread(spreadMs: number, schedule: Schedule, at: FieldPath, now: Date): void {
  if (spreadMs === 0) return;
  const runs = schedule.nextN(now, SPREAD_CHECK_OCCURRENCES);
  for (let i = 1; i < runs.length; i++) {
    const gap = runs[i]!.getTime() - runs[i - 1]!.getTime();
    if (spreadMs >= gap) throw policyError(at, `${formatMs(spreadMs)} is not shorter than the ${formatMs(gap)} between two occurrences of the schedule`);
  }
}

function readInstances(v: unknown, at: FieldPath): InstanceSelector {
  const d = readDict(v, at);
  refuseUnknownKeys(d, ['names', 'projects', 'metadata'], at);
  const selector: InstanceSelector = {};
  if (d.names !== undefined) selector.names = readStringList(d.names, child(at, 'names')).map((glob, i) => checkGlob(glob, child(at, `names[${i}]`)));
  if (d.projects !== undefined) selector.projects = readStringList(d.projects, child(at, 'projects'));
  if (d.metadata !== undefined) selector.metadata = readMetadata(d.metadata, child(at, 'metadata'));
  if (Object.keys(selector).length === 0) throw policyError(at, 'must give names, projects or metadata');
  return selector;
}

function checkGlob(glob: string, at: FieldPath): string {
  try {
    globToRegExp(glob);
  } catch {
    throw policyError(at, `"${glob}" is not a valid glob`);
  }
  return glob;
}

/** Nova metadata values are strings; YAML scalars (true, 3) are compared as their text. */
function readMetadata(v: unknown, at: FieldPath): Record<string, string> {
  const d = readDict(v, at);
  if (Object.keys(d).length === 0) throw policyError(at, 'must not be empty');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(d)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw policyError(child(at, key), 'must be a string');
    out[key] = String(value);
  }
  return out;
}

function readRetention(v: unknown, at: FieldPath): RetentionRules {
  const d = readDict(v, at);
  refuseUnknownKeys(d, RETENTION_KEYS, at);
  const count = (key: (typeof RETENTION_KEYS)[number]) => (d[key] === undefined ? 0 : readWholeNumber(d[key], 0, MAX_RETENTION, child(at, key)));
  const rules: RetentionRules = {
    keepLast: count('keep_last'),
    hourly: count('hourly'),
    daily: count('daily'),
    weekly: count('weekly'),
    monthly: count('monthly'),
    yearly: count('yearly'),
  };
  if (Object.values(rules).every((n) => n === 0))
    throw policyError(at, 'must keep something: give at least one of keep_last, hourly, daily, weekly, monthly, yearly above 0');
  return rules;
}

function readCreate(v: unknown, defaults: CreateDefaults, at: FieldPath): PolicyCreate {
  const base: PolicyCreate = {
    freeze: defaults.freeze,
    maxFreezeMs: defaults.maxFreezeMs,
    perHost: defaults.perHost,
    concurrency: defaults.concurrency,
    bootOnly: false,
  };
  if (v === undefined) return base;
  const d = readDict(v, at);
  refuseUnknownKeys(d, CREATE_KEYS, at);
  return {
    freeze: d.freeze === undefined ? base.freeze : readChoice<FreezePolicy>(d.freeze, ['required', 'best-effort', 'skip'], child(at, 'freeze')),
    maxFreezeMs: d.max_freeze === undefined ? base.maxFreezeMs : readMaxFreeze(d.max_freeze, child(at, 'max_freeze')),
    perHost: d.per_host === undefined ? base.perHost : readWholeNumber(d.per_host, 1, 64, child(at, 'per_host')),
    concurrency: d.concurrency === undefined ? base.concurrency : readWholeNumber(d.concurrency, 1, 256, child(at, 'concurrency')),
    bootOnly: d.boot_only === undefined ? false : readBoolean(d.boot_only, child(at, 'boot_only')),
  };
}

/** As `create --max-freeze`: above 0 and at most 300 s. */
function readMaxFreeze(v: unknown, at: FieldPath): number {
  return readDuration(v, { min: 1, max: 300_000, text: 'above 0 and at most 300s' }, at);
}

function readNotify(v: unknown, at: FieldPath): PolicyNotify {
  const d = readDict(v, at);
  refuseUnknownKeys(d, ['webhook', 'on'], at);
  if (d.webhook === undefined) throw policyError(child(at, 'webhook'), 'is required');
  const on = d.on === undefined ? (['failure', 'recovery'] as NotifyEvent[]) : readEvents(d.on, child(at, 'on'));
  return { webhook: readWebhook(d.webhook, child(at, 'webhook')), on };
}

function readEvents(v: unknown, at: FieldPath): NotifyEvent[] {
  const list = readStringList(v, at);
  const events = list.map((e, i) => readChoice<NotifyEvent>(e, NOTIFY_EVENTS, { ...at, field: `${at.field}[${i}]` }));
  if (new Set(events).size !== events.length) throw policyError(at, 'names an event twice');
  return events;
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * An https URL (plain http only to a loopback host), without user or password (fetch refuses those).
 * The URL itself never appears in a message: webhooks often carry a token in their path.
 */
function readWebhook(v: unknown, at: FieldPath): string {
  if (typeof v !== 'string' || v.trim() === '') throw policyError(at, 'must be an https:// URL');
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw policyError(at, 'is not a valid URL (it is not repeated here: it may hold a token)');
  }
  if (url.username || url.password) throw policyError(at, 'must not carry a user or password');
  if (url.protocol === 'https:') return v;
  if (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname)) return v;
  throw policyError(at, 'must be https:// (plain http:// only to a loopback host)');
}
