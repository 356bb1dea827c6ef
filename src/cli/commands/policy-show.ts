import type { Command } from 'commander';
import type { CommandSpec } from '../types.js';
import { columnsOf, showResult } from '../views/field-table.js';
import { POLICY_SHOW_VIEW } from '../views/policy.js';
import { withRuntime } from './shared/with-runtime.js';

/** One policy: matched instances, next and recent occurrences, and what retention keeps and prunes now, and why. */
export const command: CommandSpec = {
  name: 'policy show',
  summary: 'Show a snapshot policy: matched instances, occurrences, what retention keeps and prunes',
  output: 'show',
  columns: () => columnsOf(POLICY_SHOW_VIEW),
  configure(cmd: Command) {
    cmd.argument('<name>', 'policy name');
  },
  async run(ctx, args) {
    const detail = await withRuntime(ctx, { recover: false }, async (rt) => {
      const { showPolicy } = await import('../../index.js');
      return showPolicy(rt, args[0]!, { signal: ctx.signal });
    });
    return showResult(POLICY_SHOW_VIEW, detail);
  },
};
