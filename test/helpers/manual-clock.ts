import type { RunClock } from '../../src/util/clock.js';

/**
 * A RunClock for tests: its time moves only when the test sets it or when someone waits on it. Waits are
 * woken one at a time, the earliest first, and each moves the time forward to the instant it waited
 * for, at once. With a `gate` (e.g. "no ccsnap operation holds an instance lock"), a wait that began
 * while the gate was closed (a retry after CCSNAP_LOCKED) is woken only once it opens (checked every
 * millisecond of real time): work in flight takes no simulated time, so a retry does not run out its
 * window while the operation it waits for is still running. `onSleep` sees every wait as it begins.
 * Never waits a fixed real time.
 */
export interface ManualClock extends RunClock {
  set(at: Date | string): void;
  /** Every wait, in the order they began: the instant waited for. */
  readonly sleeps: Date[];
  onSleep: ((until: Date) => void) | undefined;
}

interface Sleeper {
  until: number;
  seq: number;
  gated: boolean;
  wake: () => void;
}

export function manualClock(start: Date | string, opts: { gate?: () => boolean } = {}): ManualClock {
  let now = new Date(start).getTime();
  let seq = 0;
  const queue: Sleeper[] = [];
  let pumping = false;
  const gate = opts.gate ?? (() => true);
  const pump = async (): Promise<void> => {
    pumping = true;
    try {
      while (queue.length > 0) {
        queue.sort((a, b) => a.until - b.until || a.seq - b.seq);
        if (queue[0]!.gated && !gate()) {
          await new Promise((r) => setTimeout(r, 1));
          continue;
        }
        const next = queue.shift()!;
        now = Math.max(now, next.until);
        next.wake();
        // Let the woken task run up to its next wait before the next one wakes.
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      pumping = false;
    }
  };
  const clock: ManualClock = {
    now: () => new Date(now),
    set(at) {
      now = new Date(at).getTime();
    },
    sleeps: [],
    onSleep: undefined,
    sleepUntil(until, signal) {
      if (signal?.aborted) return Promise.reject(new Error('aborted'));
      clock.sleeps.push(until);
      clock.onSleep?.(until);
      return new Promise<void>((resolve, reject) => {
        const sleeper: Sleeper = { until: until.getTime(), seq: seq++, gated: !gate(), wake: resolve };
        queue.push(sleeper);
        signal?.addEventListener(
          'abort',
          () => {
            const i = queue.indexOf(sleeper);
            if (i >= 0) queue.splice(i, 1);
            reject(new Error('aborted'));
          },
          { once: true },
        );
        if (!pumping) void pump();
      });
    },
  };
  return clock;
}
