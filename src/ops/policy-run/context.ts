import { randomBytes } from 'node:crypto';
import type { NotificationReport } from '../../policy/run-types.js';
import type { Runtime } from '../../runtime.js';
import { systemClock, type RunClock } from '../../util/clock.js';
import type { DeliveryResult } from '../../notify/webhook.js';
import type { WebhookPayload } from '../../notify/payload.js';
import { createInventoryCache, type InventoryCache } from './inventory.js';

/** Progress and problems a runner reports while it runs (the CLI logs them; the daemon may too). */
export interface RunLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface RunOptions {
  /** Decide and show, change nothing: no journal record, no set, no deletion, no notification. */
  dryRun?: boolean;
  /** Stops the run: no new instance starts, open freeze windows finish (their thaw never depends on it). */
  signal?: AbortSignal;
  /** The runner's time and waits (default: the system clock). Sets are stamped with it. */
  clock?: RunClock;
  log?: RunLog;
  /** Delivers one webhook notification (default: deliverWebhook with the run's clock and signal). Never throws. */
  deliver?: (url: string, payload: WebhookPayload) => Promise<DeliveryResult>;
  /** How long a gathered inventory serves instances that start later (spread, retries); default 60 s. */
  inventoryMaxAgeMs?: number;
}

/** Everything one run (run-due or policy run) shares across its policies and occurrences. */
export interface RunContext {
  rt: Runtime;
  clock: RunClock;
  signal: AbortSignal | undefined;
  dryRun: boolean;
  log: RunLog;
  inventory: InventoryCache;
  deliver: ((url: string, payload: WebhookPayload) => Promise<DeliveryResult>) | undefined;
  /** Notifications in flight; the run waits for them (each bounded) before it returns. */
  deliveries: Array<Promise<NotificationReport>>;
  /** Whether the cheap recovery pass ran in this run (before adopting a dead runner's occurrence). */
  recovered: boolean;
}

const SILENT: RunLog = { info: () => undefined, warn: () => undefined };

export function createRunContext(rt: Runtime, opts: RunOptions): RunContext {
  const clock = opts.clock ?? systemClock;
  return {
    rt,
    clock,
    signal: opts.signal,
    dryRun: opts.dryRun ?? false,
    log: opts.log ?? SILENT,
    inventory: createInventoryCache(rt, { clock, maxAgeMs: opts.inventoryMaxAgeMs ?? 60_000, ...(opts.signal ? { signal: opts.signal } : {}) }),
    deliver: opts.deliver,
    deliveries: [],
    recovered: false,
  };
}

/** A short random tag for ad-hoc occurrence ids. */
export function newNonce(): string {
  return randomBytes(3).toString('hex');
}

/** Occurrences this process is serving right now: a `running` record owned by this pid but not in here was left by an interrupted run. */
export const activeOccurrences = new Set<string>();

export function occurrenceKey(policy: string, occurrence: string): string {
  return `${policy}\0${occurrence}`;
}

/**
 * Marks an occurrence this process has just taken (started or adopted; call it in the same tick) as served
 * here until `work` settles: another run in this process leaves it alone meanwhile, and adopts it after an
 * interrupted or failed `work` left it running.
 */
export async function whileServing<T>(policy: string, occurrence: string, work: () => Promise<T>): Promise<T> {
  const key = occurrenceKey(policy, occurrence);
  activeOccurrences.add(key);
  try {
    return await work();
  } finally {
    activeOccurrences.delete(key);
  }
}
