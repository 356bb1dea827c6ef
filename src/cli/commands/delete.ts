import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { DeletePlan } from '../../engine/plan-delete.js';
import { countParser, parseAgeOption } from '../parse-values.js';
import type { CommandSpec } from '../types.js';
import { terminalConfirm } from './shared/prompt.js';
import { withRuntime } from './shared/with-runtime.js';

const COLUMNS = ['Set ID', 'Volume ID', 'Snapshot', 'Path', 'Outcome', 'Error'];

/** Seed Task 4: delete snapshot sets of one instance, by name or by pruning policy. Idempotent. */
export const command: CommandSpec = {
  name: 'delete',
  summary: 'Delete snapshot sets of an instance (or prune them)',
  output: 'list',
  columns: () => COLUMNS,
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
      const { deleteSnapshots } = await import('../../ops/delete.js');
      const ask = terminalConfirm(ctx);
      return deleteSnapshots(rt, {
        instance: instance!, refs,
        ...(typeof opts.keepLast === 'number' ? { keepLast: opts.keepLast } : {}),
        ...(typeof opts.olderThan === 'number' ? { olderThanMs: opts.olderThan } : {}),
        dryRun: Boolean(opts.dryRun), yes: Boolean(opts.yes), signal: ctx.signal,
        ...(ask ? { confirm: (plan: DeletePlan) => ask(`Delete ${plan.deletions.length} snapshot(s) of ${plan.instance.name}${cutoffText(plan)}: ${plan.deletions.map((d) => d.name).join(', ')}?`) } : {}),
      });
    });
    if (opts.dryRun && out.plan.cutoff) ctx.stderr.write(`Dry run: sets of ${out.plan.instance.name} created before ${out.plan.cutoff} (cut-off) are selected${opts.keepLast !== undefined ? `, keeping the newest ${String(opts.keepLast)}` : ''}.\n`);
    if (!out.result) {
      return { kind: 'list', columns: COLUMNS, rows: out.plan.deletions.map((d) => ({ 'Set ID': d.setId, 'Volume ID': d.volumeId, Snapshot: d.name, Path: d.path, Outcome: opts.dryRun ? 'would delete' : 'nothing to do', Error: null })) };
    }
    const failed = out.result.deletions.some((d) => d.outcome === 'failed');
    return {
      kind: 'list',
      columns: COLUMNS,
      rows: out.result.deletions.map((d) => ({ 'Set ID': d.setId, 'Volume ID': d.volumeId, Snapshot: d.name, Path: d.path, Outcome: d.outcome, Error: d.error ?? null })),
      exitCode: failed ? 1 : 0,
    };
  },
};

function cutoffText(plan: DeletePlan): string {
  return plan.cutoff ? ` (sets created before the cut-off ${plan.cutoff})` : '';
}
