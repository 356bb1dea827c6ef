import type { Command } from 'commander';
import { UsageError } from '../../core.js';
import type { DeletePlan } from '../../index.js';
import { countParser, parseAgeOption } from '../parse-values.js';
import type { CommandSpec } from '../types.js';
import { terminalConfirm } from './shared/prompt.js';
import { columnsOf, listResult } from '../views/field-table.js';
import { DELETE_VIEW, deletionsOf } from '../views/snapshots.js';
import { withRuntime } from './shared/with-runtime.js';

/** Seed Task 4: delete snapshot sets of one instance, by name or by pruning policy. Idempotent. */
export const command: CommandSpec = {
  name: 'delete',
  summary: 'Delete snapshot sets of an instance (or prune them)',
  output: 'list',
  columns: () => columnsOf(DELETE_VIEW),
  configure(cmd: Command) {
    cmd
      .argument('<instance>', 'instance id or name')
      .argument('[set...]', 'snapshot set ids, or names/paths of snapshots made by other tools')
      .option('--keep-last <n>', 'prune: keep the newest N ccsnap sets (0-10000)', countParser(0, 10_000))
      .option('--older-than <age>', 'prune: only sets older than this; a number and a unit s, m, h, d, w (e.g. 7d, 12h)', parseAgeOption)
      .option('--dry-run', 'print what would be deleted; delete nothing')
      .option('-y, --yes', 'do not ask for confirmation');
  },
  async run(ctx, args, opts) {
    const [instance, ...refs] = args;
    if (refs.length === 0 && opts.keepLast === undefined && opts.olderThan === undefined) {
      throw new UsageError('name the sets to delete, or prune with --keep-last and/or --older-than');
    }
    const out = await withRuntime(ctx, { recover: true }, async (rt) => {
      const { deleteSnapshots } = await import('../../index.js');
      const ask = terminalConfirm(ctx);
      return deleteSnapshots(rt, {
        instance: instance!,
        refs,
        ...(typeof opts.keepLast === 'number' ? { keepLast: opts.keepLast } : {}),
        ...(typeof opts.olderThan === 'number' ? { olderThanMs: opts.olderThan } : {}),
        dryRun: Boolean(opts.dryRun),
        yes: Boolean(opts.yes),
        signal: ctx.signal,
        ...(ask
          ? {
              confirm: (plan: DeletePlan) =>
                ask(
                  `Delete ${plan.deletions.length} snapshot(s) of ${plan.instance.name}${cutoffText(plan)}: ${plan.deletions.map((d) => d.name).join(', ')}?`,
                ),
            }
          : {}),
      });
    });
    if (opts.dryRun && out.plan.cutoff)
      ctx.stderr.write(
        `Dry run: sets of ${out.plan.instance.name} created before ${out.plan.cutoff} (cut-off) are selected${opts.keepLast !== undefined ? `, keeping the newest ${String(opts.keepLast)}` : ''}.\n`,
      );
    const failed = out.result?.deletions.some((d) => d.outcome === 'failed') ?? false;
    return listResult(DELETE_VIEW, deletionsOf(out.plan, out.result, Boolean(opts.dryRun)), out.result ? (failed ? 1 : 0) : undefined);
  },
};

function cutoffText(plan: DeletePlan): string {
  return plan.cutoff ? ` (sets created before the cut-off ${plan.cutoff})` : '';
}
