import type { CommandSpec } from '../types.js';
import { columnsOf, listResult } from '../views/field-table.js';
import { RECOVER_VIEW } from '../views/snapshots.js';
import { withRuntime } from './shared/with-runtime.js';

/** Finishes or undoes what a dead ccsnap left: thaw guests, clean or complete sets, finish rollbacks. */
export const command: CommandSpec = {
  name: 'recover',
  summary: 'Finish or undo operations interrupted by a crash',
  output: 'list',
  columns: () => columnsOf(RECOVER_VIEW),
  configure() {},
  async run(ctx) {
    const reports = await withRuntime(ctx, { recover: false }, async (rt) => {
      const { recoverOperations } = await import('../../index.js');
      return recoverOperations(rt, { auto: false, signal: ctx.signal });
    });
    return listResult(RECOVER_VIEW, reports, reports.some((r) => r.outcome === 'failed') ? 1 : 0);
  },
};
