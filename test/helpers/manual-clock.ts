import type { RunClock } from '../../src/util/clock.js';

/**
 * A RunClock for tests: its time moves only when the test sets it or when someone waits on it (a wait
 * moves it forward to the instant waited for, at once). `onSleep` sees every wait before it ends, so a
 * test can act at a point in simulated time (release a lock after the second retry). Never waits real time.
 */
export interface ManualClock extends RunClock {
  set(at: Date | string): void;
  /** Every wait, in order: the instant it waited for. */
  readonly sleeps: Date[];
  onSleep: ((until: Date) => void) | undefined;
}

export function manualClock(start: Date | string): ManualClock {
  let now = new Date(start).getTime();
  const sleeps: Date[] = [];
  const clock: ManualClock = {
    now: () => new Date(now),
    set(at) {
      now = new Date(at).getTime();
    },
    sleeps,
    onSleep: undefined,
    async sleepUntil(until, signal) {
      if (signal?.aborted) throw new Error('aborted');
      sleeps.push(until);
      clock.onSleep?.(until);
      now = Math.max(now, until.getTime());
      // Let other tasks run, as a real wait would.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return clock;
}
