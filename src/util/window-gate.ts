import { CcsnapError } from '../errors.js';
import { sleep } from './abort.js';

/**
 * Window priority for the freeze windows of one process. Every create's work is either *bulk* (its
 * pre-checks, planning, journaling, arming, and everything after the thaw) or its *window* (freeze, array
 * snapshots, thaw). The two do not run at once, so nothing else of ccsnap's competes with an open window for
 * the event loop, the CPU or the disk:
 *
 * - bulk waits while any window is open or waiting to open;
 * - a window waits for the bulk work already running to end (other creates about to freeze then join it,
 *   so windows open in waves), and for the window opened just before it to have sent its array calls
 *   (`opened()`), so that no two freezes and their first calls compete with each other;
 * - once opened, any number of windows run side by side (the per-host and global limits stay the callers');
 * - bulk work or an opening that has lasted `maxDeferMs` (a hung pre-check, a freeze that does not answer)
 *   holds no window back any more: the others open beside it.
 *
 * Nothing is frozen while a window waits, and nothing waits while it holds a phase, so the gate can neither
 * delay a thaw nor deadlock. A pass holds at most one phase; `leave()` releases it (call it in a `finally`).
 */
export interface WindowGate {
  /** A pass for one operation (starts holding nothing). */
  join(): GatePass;
  /** What runs now and what waits (for tests and metrics). */
  snapshot(): GateState;
}

export interface GatePass {
  /** Leaves the current phase, then waits to run bulk work. Rejects with CCSNAP_ABORTED when `signal` aborts. */
  bulk(signal?: AbortSignal): Promise<void>;
  /**
   * Leaves the current phase, then waits until this window may open: send the freeze, then the array calls,
   * then call `opened()`. Rejects with CCSNAP_ABORTED when `signal` aborts.
   */
  window(signal?: AbortSignal): Promise<void>;
  /** The window's freeze has answered and its array calls are sent (or it gave up): the next window may open. */
  opened(): void;
  /** Releases the phase held; idempotent. Not to be called while a `bulk()` or `window()` of this pass is pending. */
  leave(): void;
}

export interface GateState {
  /** Bulk work running that windows wait for (work older than `maxDeferMs` is not counted). */
  bulk: number;
  windows: number;
  /** Windows admitted that have not said `opened()` yet and are younger than `maxDeferMs` (normally 0 or 1). */
  opening: number;
  waitingBulk: number;
  waitingWindows: number;
}

export interface WindowGateOptions {
  /** How long bulk work or an opening holds windows back at most (default 100 ms). */
  maxDeferMs?: number;
  /** Resolves when a phase just taken stops holding windows back (default: `maxDeferMs` later); tests pass their own. */
  deferLimit?: (signal: AbortSignal) => Promise<void>;
}

export const DEFAULT_MAX_DEFER_MS = 100;

type Phase = 'bulk' | 'window';

interface Waiter {
  phase: Phase;
  admit: () => void;
}

/** A phase taken by a pass; `holdsBack` while windows still wait for it (bulk) or for its opening (window). */
interface Held {
  phase: Phase;
  holdsBack: boolean;
  stopAging: AbortController;
}

/** A gate that never waits: every phase is granted at once. */
export const openGate: WindowGate = {
  join: () => ({ bulk: async () => undefined, window: async () => undefined, opened: () => undefined, leave: () => undefined }),
  snapshot: () => ({ bulk: 0, windows: 0, opening: 0, waitingBulk: 0, waitingWindows: 0 }),
};

export function createWindowGate(options: WindowGateOptions = {}): WindowGate {
  const maxDeferMs = options.maxDeferMs ?? DEFAULT_MAX_DEFER_MS;
  const deferLimit = options.deferLimit ?? ((signal: AbortSignal) => sleep(maxDeferMs, signal));
  let bulk = 0;
  let windows = 0;
  let opening = 0;
  /** In arrival order. */
  const waiting: Waiter[] = [];
  const waitingOf = (phase: Phase): Waiter[] => waiting.filter((w) => w.phase === phase);
  const windowMayOpen = (): boolean => bulk === 0 && opening === 0;
  const bulkMayRun = (): boolean => windows === 0 && waitingOf('window').length === 0;

  /** Admits whoever may run now: the first waiting window, else (no window open or waiting) all waiting bulk. */
  const pump = (): void => {
    const [first] = waitingOf('window');
    if (first) {
      if (windowMayOpen()) first.admit();
      return;
    }
    if (bulkMayRun()) for (const w of waitingOf('bulk')) w.admit();
  };

  const take = (phase: Phase): Held => {
    const held: Held = { phase, holdsBack: true, stopAging: new AbortController() };
    if (phase === 'bulk') bulk++;
    else {
      windows++;
      opening++;
    }
    // Held too long, it stops holding windows back (the window itself stays open, and bulk still waits for it).
    deferLimit(held.stopAging.signal).then(
      () => {
        stopHoldingBack(held);
        pump();
      },
      () => undefined,
    );
    return held;
  };

  const stopHoldingBack = (held: Held): void => {
    if (!held.holdsBack) return;
    held.holdsBack = false;
    if (held.phase === 'bulk') bulk--;
    else opening--;
  };

  const release = (held: Held): void => {
    held.stopAging.abort();
    stopHoldingBack(held);
    if (held.phase === 'window') windows--;
    pump();
  };

  /** Resolves with the phase once taken. */
  const enter = (phase: Phase, signal?: AbortSignal): Promise<Held> => {
    if (signal?.aborted) return Promise.reject(aborted(signal));
    if (phase === 'window' ? windowMayOpen() && waitingOf('window').length === 0 : bulkMayRun()) return Promise.resolve(take(phase));
    return new Promise((resolve, reject) => {
      const settle = (): boolean => {
        const i = waiting.indexOf(waiter);
        if (i < 0) return false;
        waiting.splice(i, 1);
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const waiter: Waiter = {
        phase,
        admit: () => {
          if (settle()) resolve(take(phase));
        },
      };
      const onAbort = (): void => {
        if (!settle()) return;
        pump();
        reject(aborted(signal!));
      };
      waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  return {
    join(): GatePass {
      let held: Held | undefined;
      const leave = (): void => {
        const was = held;
        held = undefined;
        if (was) release(was);
      };
      // Leaves the phase held before waiting: a pass never holds one phase while it waits for the other.
      const switchTo = async (phase: Phase, signal?: AbortSignal): Promise<void> => {
        leave();
        held = await enter(phase, signal);
      };
      return {
        bulk: (signal) => switchTo('bulk', signal),
        window: (signal) => switchTo('window', signal),
        opened() {
          if (held?.phase !== 'window' || !held.holdsBack) return;
          stopHoldingBack(held);
          // The next freeze goes out once this window's array requests have been written (next turn).
          setImmediate(pump);
        },
        leave,
      };
    },
    snapshot: () => ({ bulk, windows, opening, waitingBulk: waitingOf('bulk').length, waitingWindows: waitingOf('window').length }),
  };
}

function aborted(signal: AbortSignal): CcsnapError {
  return new CcsnapError('CCSNAP_ABORTED', 'operation aborted', { cause: signal.reason });
}
