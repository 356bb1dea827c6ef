/**
 * Maps `items` with `fn`, at most `ahead` of them started beyond the one the consumer waits for, and yields
 * the results in the items' order. Work runs while the consumer handles a result, and stops when the
 * consumer stops pulling: memory is bounded by `ahead` results, however many items there are.
 *
 * `fn` gets a signal that aborts when the outer `signal` does, when another item fails, or when the consumer
 * leaves early (break, throw). The generator never ends with work of its own still running: after a failure
 * or an early exit it waits for the items already started to settle, then throws the first error (if any).
 */
export async function* mapOrdered<T, R>(
  items: readonly T[],
  ahead: number,
  fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): AsyncGenerator<R, void, undefined> {
  if (!Number.isInteger(ahead) || ahead < 1) throw new RangeError(`ahead must be a positive integer, got ${ahead}`);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const started: Array<Promise<R>> = [];
  let head = 0;
  let failure: { error: unknown } | undefined;
  const fill = (): void => {
    while (!stop.signal.aborted && started.length < items.length && started.length - head < ahead) {
      const i = started.length;
      const task = Promise.resolve().then(() => fn(items[i]!, i, stop.signal));
      // A failure stops the others at once, not when the consumer reaches it.
      task.catch((error: unknown) => {
        failure ??= { error };
        stop.abort(error);
      });
      started.push(task);
    }
  };
  try {
    fill();
    while (head < items.length) {
      if (head >= started.length) throw failure ? failure.error : stop.signal.reason;
      let result: R;
      try {
        result = await started[head]!;
      } catch (err) {
        // The first failure, not the abort it caused in the items before it.
        throw failure ? failure.error : err;
      }
      // Its slot is free: the result is the consumer's (the array keeps no reference to it).
      started[head++] = DONE as Promise<R>;
      fill();
      yield result;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (head < started.length) {
      stop.abort(new Error('mapOrdered: the consumer stopped'));
      await Promise.allSettled(started.slice(head));
    }
  }
}

const DONE: Promise<unknown> = Promise.resolve();
