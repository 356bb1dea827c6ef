import { CcsnapError } from '../errors.js';

/** Throws CCSNAP_ABORTED if the signal is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new CcsnapError('CCSNAP_ABORTED', 'operation aborted', { cause: signal.reason });
  }
}

/** Resolves after `ms`, rejecting early with CCSNAP_ABORTED when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CcsnapError('CCSNAP_ABORTED', 'operation aborted', { cause: signal.reason }));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CcsnapError('CCSNAP_ABORTED', 'operation aborted', { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
