/**
 * The metrics port: what the engine and the clients report as they work, without knowing who listens.
 * No-op until someone installs a port (the daemon installs its Prometheus registry, src/daemon/metrics.ts);
 * the CLI never does. This module imports nothing, so any layer may call it. A port must never throw and
 * must be cheap: `observeArrayCall` runs inside the freeze window. `reportMetrics` shields callers anyway.
 */
export interface MetricsPort {
  /** A guest was frozen for `seconds` (freeze answered → thaw answered), as the set records it. */
  observeFreezeWindow(seconds: number): void;
  /** One array API call (`call` = the ElastiCenter command) and how long it took. */
  observeArrayCall(call: ArrayCallObservation): void;
  /** A create finished with this set. */
  countSet(result: SetResult, consistency: string | null): void;
  /** The thaw watchdog, not ccsnap, ended a freeze. */
  countWatchdogThaw(): void;
  /** A policy occurrence was run or recorded as missed (the scheduler reports it). */
  countOccurrence(policy: string, outcome: OccurrenceOutcome): void;
}

export interface ArrayCallObservation {
  array: string;
  call: string;
  outcome: 'ok' | 'error';
  seconds: number;
}

export type SetResult = 'complete' | 'failed';
export type OccurrenceOutcome = 'run' | 'missed';

/** The facts of a finished create that metrics are made of (a structural subset of the engine's CreateResult). */
export interface CreateObservation {
  state: SetResult;
  consistency: string | null;
  frozenMs: number | null;
  thawedBy: string | null;
}

const NOOP: MetricsPort = {
  observeFreezeWindow() {},
  observeArrayCall() {},
  countSet() {},
  countWatchdogThaw() {},
  countOccurrence() {},
};

let installed: MetricsPort = NOOP;

/** Makes `port` receive every report from now on; returns a function that puts the previous one back. */
export function installMetrics(port: MetricsPort): () => void {
  const previous = installed;
  installed = port;
  return () => {
    if (installed === port) installed = previous;
  };
}

/** Calls `fn` with the installed port; a failing port is ignored (metrics never fail an operation). */
export function reportMetrics(fn: (port: MetricsPort) => void): void {
  if (installed === NOOP) return;
  try {
    fn(installed);
  } catch {
    // A metrics failure must never reach a freeze, a thaw or an array call.
  }
}

/** Reports one finished create: its set, its freeze window and who thawed. */
export function reportCreateResult(result: CreateObservation): void {
  reportMetrics((port) => {
    port.countSet(result.state, result.consistency);
    if (result.frozenMs !== null) port.observeFreezeWindow(result.frozenMs / 1000);
    if (result.thawedBy === 'watchdog') port.countWatchdogThaw();
  });
}

/** Runs one array call and reports its duration and outcome (with no port installed: just runs it). */
export async function timeArrayCall<T>(array: string, call: string, fn: () => Promise<T>): Promise<T> {
  if (installed === NOOP) return fn();
  const t0 = performance.now();
  let outcome: ArrayCallObservation['outcome'] = 'error';
  try {
    const value = await fn();
    outcome = 'ok';
    return value;
  } finally {
    const seconds = (performance.now() - t0) / 1000;
    reportMetrics((port) => port.observeArrayCall({ array, call, outcome, seconds }));
  }
}
