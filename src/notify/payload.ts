import { createHash } from 'node:crypto';
import type { InstanceRunResult, MissedRecord, OccurrenceRun } from '../policy/run-types.js';
import type { NotifyEvent } from '../policy/types.js';

/**
 * The JSON body of a webhook notification. Facts only, never a secret: no URL, no credential, no API
 * key (error messages are ccsnap's own, which never hold one). `event_id` is the same for every
 * delivery attempt and for a later run that raises the same event again (an adopted occurrence), so a
 * receiver can drop duplicates; it is also sent as the `Idempotency-Key` header.
 */
export interface WebhookPayload {
  event_id: string;
  event: NotifyEvent;
  policy: string;
  /** The occurrence the event is about; null for an event about occurrences missed while no ccsnap ran. */
  occurrence: string | null;
  scheduled_at: string | null;
  /** The occurrence's state and reason as the journal records them. */
  state: string | null;
  reason: string | null;
  /** Ids of the instances the event is about: the failed, recovered or missed ones (every one for success). */
  affected: string[];
  /** Every instance of the occurrence, with its outcome. */
  instances: WebhookInstance[];
  /** Occurrences recorded missed (a `missed` event after downtime), oldest first, at most MAX_MISSED_SENT. */
  missed_occurrences: Array<{ occurrence: string; scheduled_at: string; reason: string }>;
  missed_total: number;
  /** The distinct error codes of the occurrence's instances. */
  error_codes: string[];
  /** The machine that ran the occurrence. */
  host: string;
  ccsnap_version: string;
  /** When the runner raised the event (its clock). */
  raised_at: string;
}

export interface WebhookInstance {
  instance_id: string;
  instance_name: string;
  outcome: string;
  set_id: string | null;
  consistency: string | null;
  attempts: number;
  error_code: string | null;
  message: string | null;
}

export const MAX_MISSED_SENT = 100;

export interface PayloadContext {
  host: string;
  version: string;
  raisedAt: Date;
}

/** A stable event id: the same policy, subject and event give the same id (hex, 32 digits). */
export function eventIdOf(policy: string, subject: string, event: NotifyEvent): string {
  return createHash('sha256').update(policy).update('\0').update(subject).update('\0').update(event).digest('hex').slice(0, 32);
}

/** An event about one finished occurrence. */
export function occurrencePayload(occ: OccurrenceRun, event: NotifyEvent, affected: InstanceRunResult[], ctx: PayloadContext): WebhookPayload {
  return {
    event_id: eventIdOf(occ.policy, occ.occurrence, event),
    event,
    policy: occ.policy,
    occurrence: occ.occurrence,
    scheduled_at: occ.scheduledAt,
    state: occ.state,
    reason: occ.reason,
    affected: affected.map((i) => i.instanceId),
    instances: occ.instances.map(toWebhookInstance),
    missed_occurrences: [],
    missed_total: 0,
    error_codes: [...new Set(occ.instances.map((i) => i.errorCode).filter((c): c is string => c !== null))].sort(),
    host: ctx.host,
    ccsnap_version: ctx.version,
    raised_at: ctx.raisedAt.toISOString(),
  };
}

/** One `missed` event for the occurrences a run recorded missed (after downtime, or `missed: skip`). */
export function missedPayload(policy: string, missed: MissedRecord[], ctx: PayloadContext): WebhookPayload {
  const subject = `missed ${missed[0]!.occurrence} .. ${missed.at(-1)!.occurrence}`;
  return {
    event_id: eventIdOf(policy, subject, 'missed'),
    event: 'missed',
    policy,
    occurrence: null,
    scheduled_at: null,
    state: 'missed',
    reason: missed.at(-1)!.reason,
    affected: [],
    instances: [],
    missed_occurrences: missed.slice(-MAX_MISSED_SENT).map((m) => ({ occurrence: m.occurrence, scheduled_at: m.scheduledAt, reason: m.reason })),
    missed_total: missed.length,
    error_codes: [],
    host: ctx.host,
    ccsnap_version: ctx.version,
    raised_at: ctx.raisedAt.toISOString(),
  };
}

function toWebhookInstance(i: InstanceRunResult): WebhookInstance {
  return {
    instance_id: i.instanceId,
    instance_name: i.instanceName,
    outcome: i.outcome,
    set_id: i.setId,
    consistency: i.consistency,
    attempts: i.attempts,
    error_code: i.errorCode,
    message: i.message,
  };
}
