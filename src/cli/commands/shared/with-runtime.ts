import type { Runtime } from '../../../index.js';
import type { CommandContext } from '../../types.js';
import { autoRecover } from './auto-recover.js';
import { openRuntime } from './open-runtime.js';

/** Opens the runtime (optionally running the automatic recovery pass), runs `fn`, always closes. */
export async function withRuntime<T>(ctx: CommandContext, opts: { recover: boolean }, fn: (rt: Runtime, sandboxUrl?: string) => Promise<T>): Promise<T> {
  const opened = await openRuntime(ctx);
  try {
    if (opts.recover) await autoRecover(ctx, opened.rt);
    return await fn(opened.rt, opened.sandboxUrl);
  } finally {
    await opened.close();
  }
}

/**
 * `withRuntime` for a streamed result: the runtime opens when the first item is pulled and closes when the
 * stream ends, fails or its consumer stops (so it stays open while the rows are written out).
 */
export async function* streamWithRuntime<T>(
  ctx: CommandContext,
  opts: { recover: boolean },
  fn: (rt: Runtime) => AsyncIterable<T>,
): AsyncGenerator<T, void, undefined> {
  const opened = await openRuntime(ctx);
  try {
    if (opts.recover) await autoRecover(ctx, opened.rt);
    yield* fn(opened.rt);
  } finally {
    await opened.close();
  }
}
