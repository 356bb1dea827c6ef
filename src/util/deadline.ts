/**
 * The one deadline primitive of ccsnap. A deadline owns its timer: the timer is referenced (it keeps
 * the process alive and cannot be garbage-collected while pending) and is cleared when the operation
 * ends. Never `AbortSignal.timeout` inside `AbortSignal.any`: on Node 20 the inner timeout can be
 * collected before it fires (nodejs/node#57736), and the deadline silently never comes.
 */
import { setMaxListeners } from 'node:events';

export interface Deadline {
  /** Aborts when the deadline passes (reason: a TimeoutError DOMException) or the parent aborts (its reason). */
  readonly signal: AbortSignal;
  /** Epoch milliseconds at which the deadline fires. */
  readonly at: number;
  /** Milliseconds left (0 when passed). */
  remainingMs(): number;
  /** Stops the timer and detaches from the parent; the signal stays as it is. Idempotent. */
  clear(): void;
}

/** Parents whose listener limit is already lifted (a list starts 2·10⁴ deadlines on one parent). */
const unlimited = new WeakSet<AbortSignal>();

function unlimitListeners(signal: AbortSignal): void {
  if (unlimited.has(signal)) return;
  setMaxListeners(0, signal);
  unlimited.add(signal);
}

/** Live deadlines: held here as well, so that nothing but `clear()` or firing can drop one. */
const live = new Set<OwnedDeadline>();

class OwnedDeadline implements Deadline {
  readonly signal: AbortSignal;
  readonly at: number;
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private detach: (() => void) | undefined;

  constructor(ms: number, parent: AbortSignal | undefined, label: string) {
    this.signal = this.controller.signal;
    // Many calls may hang off one deadline at once (a window's members); each detaches when it ends.
    setMaxListeners(0, this.signal);
    const delay = Number.isFinite(ms) ? Math.max(0, ms) : undefined;
    this.at = delay === undefined ? Infinity : Date.now() + delay;
    if (parent?.aborted) {
      this.controller.abort(parent.reason);
      return;
    }
    if (delay !== undefined) {
      live.add(this);
      this.timer = setTimeout(() => this.abort(new DOMException(`${label}: deadline of ${Math.round(delay)} ms passed`, 'TimeoutError')), delay);
    }
    if (parent) {
      unlimitListeners(parent);
      const onAbort = (): void => this.abort(parent.reason);
      parent.addEventListener('abort', onAbort, { once: true });
      this.detach = () => parent.removeEventListener('abort', onAbort);
    }
  }

  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    live.delete(this);
    this.detach?.();
    this.detach = undefined;
  }

  private abort(reason: unknown): void {
    this.clear();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }
}

/**
 * Starts a deadline of `ms` milliseconds (Infinity or undefined: none), aborted early when `parent` aborts.
 * The caller must `clear()` it when the operation ends; prefer `withDeadline`, which does.
 */
export function startDeadline(ms: number | undefined, parent?: AbortSignal, label = 'operation'): Deadline {
  return new OwnedDeadline(ms ?? Infinity, parent, label);
}

/** A deadline at an absolute epoch time (e.g. freeze sent + max-freeze). */
export function deadlineAt(epochMs: number, parent?: AbortSignal, label = 'operation'): Deadline {
  return new OwnedDeadline(epochMs - Date.now(), parent, label);
}

/** Runs `fn` with a signal that aborts after `ms` or when `parent` aborts; the timer is cleared when `fn` settles. */
export async function withDeadline<T>(
  ms: number | undefined,
  parent: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
  label?: string,
): Promise<T> {
  const deadline = startDeadline(ms, parent, label);
  try {
    return await fn(deadline.signal);
  } finally {
    deadline.clear();
  }
}

/** True when the signal was aborted by a deadline (not by a caller). */
export function isDeadlineReason(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === 'TimeoutError';
}

/** Number of deadlines currently pending (for tests). */
export function pendingDeadlines(): number {
  return live.size;
}
