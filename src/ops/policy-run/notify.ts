import { hostname } from 'node:os';
import { missedPayload, occurrencePayload, type PayloadContext, type WebhookPayload } from '../../notify/payload.js';
import { ccsnapVersion } from '../../notify/version.js';
import { deliverWebhook, type DeliveryResult } from '../../notify/webhook.js';
import { occurrenceEvents, previousOutcomes } from '../../policy/run-decide.js';
import type { MissedRecord, NotificationReport, OccurrenceRun } from '../../policy/run-types.js';
import type { NotifyEvent, Policy } from '../../policy/types.js';
import type { RunContext } from './context.js';

/** How many earlier occurrences are read to find each instance's last outcome (for `recovery`). */
const HISTORY = 50;

/**
 * Raises the events of a finished occurrence that the policy's `notify.on` asks for: `failure` (an
 * instance failed), `recovery` (an instance whose last outcome was a failure has a good set now),
 * `missed` (an instance was busy for the whole window) and `success` (every instance served). Each is
 * delivered in the background (bounded); the run waits for them at its end. Nothing here throws.
 */
export async function notifyOccurrence(ctx: RunContext, policy: Policy, occ: OccurrenceRun): Promise<void> {
  if (!policy.notify || ctx.dryRun) return;
  const earlier = (await ctx.rt.journal().listOccurrences({ policy: policy.name, limit: HISTORY + 1 })).filter((r) => r.occurrence !== occ.occurrence);
  const events = occurrenceEvents(occ.instances, previousOutcomes(earlier));
  const raised: Array<[NotifyEvent, WebhookPayload]> = [];
  const payload = payloadContext(ctx);
  if (events.failure.length > 0) raised.push(['failure', occurrencePayload(occ, 'failure', events.failure, payload)]);
  if (events.recovery.length > 0) raised.push(['recovery', occurrencePayload(occ, 'recovery', events.recovery, payload)]);
  if (events.missed.length > 0) raised.push(['missed', occurrencePayload(occ, 'missed', events.missed, payload)]);
  if (events.success) raised.push(['success', occurrencePayload(occ, 'success', occ.instances, payload)]);
  for (const [event, body] of raised) if (policy.notify.on.includes(event)) send(ctx, policy, body);
}

/** One `missed` event for the occurrences a run recorded missed. */
export function notifyMissed(ctx: RunContext, policy: Policy, missed: MissedRecord[]): void {
  if (!policy.notify || ctx.dryRun || missed.length === 0 || !policy.notify.on.includes('missed')) return;
  send(ctx, policy, missedPayload(policy.name, missed, payloadContext(ctx)));
}

function payloadContext(ctx: RunContext): PayloadContext {
  return { host: hostname(), version: ccsnapVersion(), raisedAt: ctx.clock.now() };
}

function send(ctx: RunContext, policy: Policy, body: WebhookPayload): void {
  const url = policy.notify!.webhook;
  const deliver = ctx.deliver ?? ((u: string, p: WebhookPayload) => deliverWebhook(u, p, { clock: ctx.clock, ...(ctx.signal ? { signal: ctx.signal } : {}) }));
  const delivery = deliver(url, body)
    .catch((err: unknown): DeliveryResult => ({
      delivered: false,
      attempts: 0,
      status: null,
      error: { code: 'CCSNAP_NOTIFY_FAILED', message: `notify.webhook: ${(err as Error).message}` },
    }))
    .then((r): NotificationReport => {
      if (!r.delivered)
        ctx.log.warn(`${policy.name}: the ${body.event} notification was not delivered: ${r.error?.message ?? 'unknown'} [CCSNAP_NOTIFY_FAILED]`);
      return {
        policy: policy.name,
        event: body.event,
        eventId: body.event_id,
        occurrence: body.occurrence,
        delivered: r.delivered,
        attempts: r.attempts,
        status: r.status,
        error: r.error,
      };
    });
  ctx.deliveries.push(delivery);
}
