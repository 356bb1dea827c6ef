import type { Runtime } from '../../../index.js';
import { withHint } from '../../hints.js';
import type { CommandContext } from '../../types.js';

/**
 * Every command that touches the journal first repairs what a dead ccsnap left behind:
 * frozen guests are thawed, half-made sets are cleaned. Rollbacks are left to `ccsnap recover`.
 */
export async function autoRecover(ctx: CommandContext, rt: Runtime): Promise<void> {
  try {
    const { recoverOperations } = await import('../../../index.js');
    for (const r of await recoverOperations(rt, { auto: true, signal: ctx.signal })) {
      if (r.outcome === 'recovered') ctx.log.warn(`recovered interrupted ${r.kind} ${r.opId} of ${r.instanceName}: ${r.detail}`);
      else if (r.outcome === 'failed') ctx.log.warn(`could not recover ${r.kind} ${r.opId} of ${r.instanceName}: ${r.detail}`);
      // A half-done rollback (only `ccsnap recover` resumes one) holds its instance: say so.
      else if (r.code === 'CCSNAP_ROLLBACK_INCOMPLETE')
        ctx.log.warn(`${r.kind} ${r.opId} of ${r.instanceName}: ${withHint({ code: r.code, message: r.detail })}`);
    }
  } catch (err) {
    ctx.log.warn(`automatic recovery failed: ${(err as Error).message}`);
  }
}
