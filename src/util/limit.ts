/**
 * A small concurrency limiter: at most `max` tasks at once, FIFO order.
 * Keyed limits (per compute host) compose by nesting two limiters.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a positive integer, got ${max}`);
  let active = 0;
  const queue = createQueue<() => void>();
  const next = (): void => {
    active--;
    queue.take()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      next();
    }
  };
}

/**
 * A FIFO queue whose take is O(1) however long it grows (Array#shift copies the whole array once it is
 * big: 20 000 waiting tasks made a list spend a quarter of a second in shift alone).
 */
function createQueue<T>(): { push(item: T): void; take(): T | undefined } {
  let items: Array<T | undefined> = [];
  let head = 0;
  return {
    push: (item) => void items.push(item),
    take() {
      if (head >= items.length) return undefined;
      const item = items[head];
      items[head++] = undefined;
      if (head === items.length) {
        items = [];
        head = 0;
      } else if (head >= 1024 && head * 2 >= items.length) {
        // A queue that never drains (a long-lived limiter) drops its taken slots now and then.
        items = items.slice(head);
        head = 0;
      }
      return item;
    },
  };
}

/** One limiter per key (e.g. compute host), created on first use. */
export function createKeyedLimiter(maxPerKey: number): (key: string) => Limiter {
  const limiters = new Map<string, Limiter>();
  return (key) => {
    let limiter = limiters.get(key);
    if (!limiter) {
      limiter = createLimiter(maxPerKey);
      limiters.set(key, limiter);
    }
    return limiter;
  };
}

/** Maps items with bounded concurrency, preserving order of results. */
export async function mapLimited<T, R>(items: readonly T[], max: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const limit = createLimiter(max);
  return Promise.all(items.map((item, i) => limit(() => fn(item, i))));
}

/**
 * Runs `fn` for every item, at most `max` at once, started in order, by `max` workers that each take the
 * next item: nothing is allocated per waiting item (20 000 items queued in a limiter are 20 000 closures
 * and promises that outlive young-generation collections). After a failure no further item is started;
 * the first error is thrown once the items already started have settled.
 */
export async function forEachLimited<T>(items: readonly T[], max: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a positive integer, got ${max}`);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const work = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(max, items.length) }, work));
  if (failure) throw failure.error;
}
