import type { Command } from 'commander';
import type { CommandSpec } from '../types.js';
import { columnsOf, showResult } from '../views/field-table.js';
import { SHOW_VIEW } from '../views/snapshots.js';
import { withRuntime } from './shared/with-runtime.js';

/** One snapshot set in full. */
export const command: CommandSpec = {
  name: 'show',
  summary: 'Show one snapshot set',
  output: 'show',
  columns: () => columnsOf(SHOW_VIEW),
  configure(cmd: Command) {
    cmd.argument('<set>', 'snapshot set id');
  },
  async run(ctx, args) {
    const view = await withRuntime(ctx, { recover: true }, async (rt) => {
      const { showSet } = await import('../../index.js');
      return showSet(rt, args[0]!, ctx.signal);
    });
    return showResult(SHOW_VIEW, { setId: args[0]!, view });
  },
};
