import { sleep } from './abort.js';

/**
 * The time a policy runner reads and waits on. The system clock waits for real (a spread offset, a busy
 * instance's back-off, a webhook retry); tests inject a clock whose waits move its own time forward at once,
 * so a simulated week runs in seconds and nothing waits a fixed real time.
 */
export interface RunClock {
  now(): Date;
  /** Resolves at `until` (at once when it has passed); rejects with CCSNAP_ABORTED when `signal` aborts. */
  sleepUntil(until: Date, signal?: AbortSignal): Promise<void>;
}

export const systemClock: RunClock = {
  now: () => new Date(),
  sleepUntil: (until, signal) => sleep(Math.max(0, until.getTime() - Date.now()), signal),
};
