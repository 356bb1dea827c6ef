import type { Command } from 'commander';
import type { CommandSpec } from '../types.js';
import { columnsOf } from '../views/field-table.js';
import { RUN_VIEW } from '../views/run-due.js';
import { presentRun } from './shared/run-report.js';
import { withRuntime } from './shared/with-runtime.js';

/** One shot for cron or a systemd timer: every policy's due occurrence, exactly once, then retention. */
export const command: CommandSpec = {
  name: 'run-due',
  summary: 'Run every snapshot policy occurrence that is due, then prune by retention',
  output: 'list',
  columns: () => columnsOf(RUN_VIEW),
  configure(cmd: Command) {
    cmd.option('--dry-run', 'show what is due and what retention would prune; record, create and delete nothing');
  },
  async run(ctx, _args, opts) {
    return withRuntime(ctx, { recover: !opts.dryRun }, async (rt) => {
      const { runDue, nothingHappened } = await import('../../index.js');
      const report = await runDue(rt, {
        dryRun: Boolean(opts.dryRun),
        signal: ctx.signal,
        log: { info: (m) => ctx.log.info(m), warn: (m) => ctx.log.warn(m) },
      });
      return presentRun(ctx, report, nothingHappened(report));
    });
  },
};
