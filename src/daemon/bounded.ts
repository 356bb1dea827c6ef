import { CcsnapError } from '../errors.js';

/**
 * `work`, or CCSNAP_ABORTED as soon as `signal` aborts: a view that ignores its signal (a hung policy
 * source) must not hold a request, or every later scrape behind it, past the request's deadline.
 */
export function boundedBy<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(aborted(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function aborted(signal: AbortSignal, what: string): CcsnapError {
  return new CcsnapError('CCSNAP_ABORTED', `${what}: no answer before the request's deadline`, { cause: signal.reason });
}
