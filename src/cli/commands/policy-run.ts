import type { Command } from 'commander';
import type { CommandSpec } from '../types.js';
import { columnsOf } from '../views/field-table.js';
import { RUN_VIEW } from '../views/run-due.js';
import { presentRun } from './shared/run-report.js';
import { withRuntime } from './shared/with-runtime.js';

/** One occurrence of a policy now (an ad-hoc occurrence, recorded like the scheduled ones), then retention. */
export const command: CommandSpec = {
  name: 'policy run',
  summary: 'Run one occurrence of a snapshot policy now, then prune by its retention',
  output: 'list',
  columns: () => columnsOf(RUN_VIEW),
  configure(cmd: Command) {
    cmd.argument('<name>', 'policy name').option('--dry-run', 'show the instances it would snapshot and what retention would prune; change nothing');
  },
  async run(ctx, args, opts) {
    return withRuntime(ctx, { recover: !opts.dryRun }, async (rt) => {
      const { runPolicy } = await import('../../index.js');
      const report = await runPolicy(rt, args[0]!, {
        dryRun: Boolean(opts.dryRun),
        signal: ctx.signal,
        log: { info: (m) => ctx.log.info(m), warn: (m) => ctx.log.warn(m) },
      });
      return presentRun(ctx, report, false);
    });
  },
};
