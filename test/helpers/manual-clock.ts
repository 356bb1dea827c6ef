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
  /** Awaited before the wait is queued (a test may release a lock here). */
  onSleep: ((until: Date) => void | Promise<void>) | undefined;
}

interface Sleeper {
  until: number;
  seq: number;
  gated: boolean;
  wake: () => void;
}

export function manualClock(start: Date | string, opts: { gate?: () => boolean | Promise<boolean> } = {}): ManualClock {
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
        if (queue[0]!.gated && !(await gate())) {
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
      const onSleep = clock.onSleep;
      return new Promise<void>((resolve, reject) => {
        const sleeper: Sleeper = { until: until.getTime(), seq: seq++, gated: false, wake: resolve };
        let aborted = false;
        signal?.addEventListener(
          'abort',
          () => {
            aborted = true;
            const i = queue.indexOf(sleeper);
            if (i >= 0) queue.splice(i, 1);
            reject(new Error('aborted'));
          },
          { once: true },
        );
        void (async () => {
          await onSleep?.(until);
          sleeper.gated = !(await gate());
          if (aborted) return;
          queue.push(sleeper);
          if (!pumping) void pump();
        })().catch(reject);
      });
    },
  };
  return clock;
}
