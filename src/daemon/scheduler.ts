import { nothingHappened, policySchedules, runDue } from '../ops/policy-run/index.js';
import type { RunReport } from '../policy/run-types.js';
import type { Runtime } from '../runtime.js';
import { sleep } from '../util/abort.js';

export interface SchedulerOptions {
  /** Stops the loop: no new pass or instance starts; open freeze windows finish (their thaw never depends on it). */
  signal: AbortSignal;
  /** Longest wait between two passes, even with no occurrence near (default 60 s): missed work is noticed. */
  maxWaitMs?: number;
  onReport?: (report: RunReport) => void;
  onError?: (err: unknown) => void;
}

/**
 * The daemon's scheduler: run-due in a loop, on the same engine and journal as the command. After each pass
 * it waits until the next occurrence of any policy (at most `maxWaitMs`). An occurrence is served once,
 * whoever else runs run-due: the journal decides.
 */
export async function runScheduler(rt: Runtime, opts: SchedulerOptions): Promise<void> {
  // With many workers, a pass at least once per owner lease: a dead worker's occurrence is adopted soon after.
  const maxWait = opts.maxWaitMs ?? (rt.usesFleet() ? Math.min(60_000, rt.settings.fleet.ownerLeaseMs) : 60_000);
  while (!opts.signal.aborted) {
    try {
      const report = await runDue(rt, { signal: opts.signal });
      if (!nothingHappened(report)) opts.onReport?.(report);
    } catch (err) {
      if (opts.signal.aborted) break;
      opts.onError?.(err);
    }
    await sleep(await nextPassInMs(rt, maxWait), opts.signal).catch(() => undefined);
  }
}

/** Until a second after the next occurrence of any policy (so it is due when the pass runs), 1 s to `maxWait`. */
export async function nextPassInMs(rt: Runtime, maxWait: number, now: Date = new Date()): Promise<number> {
  const next = (await policySchedules(rt, now)).reduce((min, s) => Math.min(min, s.nextOccurrence ? Date.parse(s.nextOccurrence) : Infinity), Infinity);
  return Math.max(1_000, Math.min(maxWait, next - now.getTime() + 1_000));
}
