import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsPort } from '../metrics/port.js';
import { startDeadline } from '../util/deadline.js';
import { boundedBy } from './bounded.js';
import type { DaemonView, PolicyStatus, ViewCall } from './view.js';

/** Freeze windows: 10 ms to 30 s (the default --max-freeze is 10 s; a window past 30 s is its own alarm). */
export const FREEZE_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30];
/** Array calls: 5 ms to 30 s (the default array timeout). */
export const ARRAY_CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface DaemonMetrics {
  readonly registry: Registry;
  /** Install with installMetrics(port) so the engine and the array clients report here. */
  readonly port: MetricsPort;
  readonly contentType: string;
  /** The Prometheus text exposition, the view's gauges read now (one render at a time). */
  render(call: ViewCall): Promise<string>;
}

export interface DaemonMetricsOptions {
  view: DaemonView;
  version: string;
  /** Node's process metrics (CPU, memory, event loop; prom-client's defaults). Default true. */
  processMetrics?: boolean;
  /**
   * How long a scrape waits for the view (ms, default 5000): past it the scrape still answers, with the
   * counters and `ccsnap_view_up 0` (Prometheus' own scrape timeout is 10 s by default).
   */
  viewBudgetMs?: number;
}

export const DEFAULT_VIEW_BUDGET_MS = 5_000;

/** The daemon's Prometheus registry: counters and histograms fed through the port, gauges read from the view. */
export function createDaemonMetrics(opts: DaemonMetricsOptions): DaemonMetrics {
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  const counters = registerCounters(registry);
  const gauges = registerViewGauges(registry, opts.viewBudgetMs ?? DEFAULT_VIEW_BUDGET_MS);
  new Gauge({
    name: 'ccsnap_build_info',
    help: 'Always 1; the version of ccsnap that serves these metrics.',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version: opts.version }, 1);
  let last: Promise<unknown> = Promise.resolve();
  return {
    registry,
    port: counters.port,
    contentType: registry.contentType,
    render(call) {
      const next = last.then(async () => {
        await gauges.refresh(opts.view, call);
        return registry.metrics();
      });
      last = next.catch(() => undefined);
      return next;
    },
  };
}

function registerCounters(registry: Registry): { port: MetricsPort } {
  const registers = [registry];
  const freeze = new Histogram({
    name: 'ccsnap_freeze_window_seconds',
    help: 'How long each guest was frozen (freeze answered to thaw answered), per set.',
    buckets: FREEZE_BUCKETS,
    registers,
  });
  const arrayCalls = new Histogram({
    name: 'ccsnap_array_call_duration_seconds',
    help: 'Duration of each ElastiCenter API call, by array, command and outcome.',
    labelNames: ['array', 'call', 'outcome'],
    buckets: ARRAY_CALL_BUCKETS,
    registers,
  });
  const sets = new Counter({
    name: 'ccsnap_sets_total',
    help: 'Snapshot sets this process finished creating, by result (complete, failed) and consistency.',
    labelNames: ['result', 'consistency'],
    registers,
  });
  const watchdog = new Counter({ name: 'ccsnap_watchdog_thaws_total', help: 'Freezes the thaw watchdog ended instead of ccsnap.', registers });
  const occurrences = new Counter({
    name: 'ccsnap_occurrences_total',
    help: 'Policy occurrences run or recorded as missed, by policy.',
    labelNames: ['policy', 'outcome'],
    registers,
  });
  return {
    port: {
      observeFreezeWindow: (seconds) => freeze.observe(seconds),
      observeArrayCall: (c) => arrayCalls.observe({ array: c.array, call: c.call, outcome: c.outcome }, c.seconds),
      countSet: (result, consistency) => sets.inc({ result, consistency: consistency ?? 'none' }),
      countWatchdogThaw: () => watchdog.inc(),
      countOccurrence: (policy, outcome) => occurrences.inc({ policy, outcome }),
    },
  };
}

interface ViewGauges {
  refresh(view: DaemonView, call: ViewCall): Promise<void>;
}

function registerViewGauges(registry: Registry, budgetMs: number): ViewGauges {
  const registers = [registry];
  const up = new Gauge({ name: 'ccsnap_view_up', help: '1 when the last scrape could read the journal and the policies, else 0.', registers });
  const frozen = new Gauge({
    name: 'ccsnap_guests_frozen',
    help: 'Guests whose freeze was sent and whose thaw is not confirmed yet (frozen, or possibly frozen).',
    registers,
  });
  const age = new Gauge({
    name: 'ccsnap_newest_good_set_age_seconds',
    help: 'Age of the newest complete set of an instance for a policy (absent: none).',
    labelNames: ['policy', 'instance_id', 'instance_name'],
    registers,
  });
  const late = new Gauge({
    name: 'ccsnap_instance_late',
    help: '1 when the newest closed occurrence of the policy left the instance without a good set.',
    labelNames: ['policy', 'instance_id', 'instance_name'],
    registers,
  });
  const next = new Gauge({
    name: 'ccsnap_policy_next_occurrence_timestamp_seconds',
    help: 'When the policy runs next (Unix time).',
    labelNames: ['policy'],
    registers,
  });
  return {
    async refresh(view, call) {
      let policies: PolicyStatus[];
      let guests: number;
      const budget = startDeadline(budgetMs, call.signal, 'the daemon view');
      try {
        const bounded = { ...call, signal: budget.signal };
        [policies, guests] = await boundedBy(Promise.all([view.policies(bounded), view.guestsFrozen(bounded)]), budget.signal, 'the daemon view');
      } catch {
        up.set(0);
        for (const g of [frozen, age, late, next]) g.reset();
        return;
      } finally {
        budget.clear();
      }
      up.set(1);
      frozen.set(guests);
      age.reset();
      late.reset();
      next.reset();
      for (const p of policies) {
        if (p.nextOccurrence) next.set({ policy: p.name }, Date.parse(p.nextOccurrence) / 1000);
        for (const i of p.instances) {
          // Not `instance`: Prometheus gives that label to the scrape target (ours would become exported_instance).
          const labels = { policy: p.name, instance_id: i.instanceId, instance_name: i.instanceName };
          if (i.ageSeconds !== null) age.set(labels, i.ageSeconds);
          late.set(labels, i.late ? 1 : 0);
        }
      }
    },
  };
}
