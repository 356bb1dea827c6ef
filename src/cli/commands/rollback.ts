import type { Command } from 'commander';
import type { RollbackPlan } from '../../index.js';
import { withHint } from '../hints.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { columnsOf, listResult } from '../views/field-table.js';
import { ROLLBACK_VIEW, rollbackVolumesOf } from '../views/snapshots.js';
import { terminalConfirm } from './shared/prompt.js';
import { withRuntime } from './shared/with-runtime.js';

/** Seed Task 3: roll every array volume of an instance back to one set, destroying nothing unnamed. */
export const command: CommandSpec = {
  name: 'rollback',
  summary: 'Roll an instance back to a snapshot set',
  output: 'list',
  columns: () => columnsOf(ROLLBACK_VIEW),
  configure(cmd: Command) {
    cmd
      .argument('<instance>', 'instance id or name')
      .argument('<set>', 'snapshot set id (or the name of a snapshot made by another tool)')
      .option('--discard-newer', 'accept that the snapshots newer than the set (named in the plan) are destroyed')
      .option('--partial', "allow a set that does not cover all of the instance's array volumes")
      .option('--no-safety', 'do not take a safety set first (arrays that keep newer snapshots)')
      .option('--no-start', 'leave the instance stopped afterwards')
      .option('--dry-run', 'print the plan; change nothing')
      .option('-y, --yes', 'do not ask for confirmation');
  },
  async run(ctx, args, opts) {
    const out = await withRuntime(ctx, { recover: true }, async (rt) => {
      const { rollbackInstance } = await import('../../index.js');
      const ask = terminalConfirm(ctx);
      return rollbackInstance(rt, {
        instance: args[0]!,
        set: args[1]!,
        discardNewer: Boolean(opts.discardNewer),
        partial: Boolean(opts.partial),
        safety: opts.safety !== false,
        ...(opts.start === false ? { start: false } : {}),
        dryRun: Boolean(opts.dryRun),
        yes: Boolean(opts.yes),
        signal: ctx.signal,
        onPlan: (plan: RollbackPlan) => describePlan(ctx, plan),
        ...(ask ? { confirm: () => ask('Proceed with this rollback?') } : {}),
      });
    });
    if (!out.result) return listResult(ROLLBACK_VIEW, rollbackVolumesOf(out.plan, undefined));
    const r = out.result;
    if (r.error) ctx.stderr.write(`ccsnap: error: ${withHint(r.error)} [${r.error.code}]\n`);
    if (r.safetySet) ctx.log.info(`safety set ${r.safetySet.setId} taken before the rollback`);
    return listResult(ROLLBACK_VIEW, rollbackVolumesOf(out.plan, r), r.state === 'done' ? 0 : 1);
  },
};

/** The plan in words, on stderr (stdout carries the formatted result): before asking, with --yes and with --dry-run alike. */
function describePlan(ctx: CommandContext, plan: RollbackPlan): void {
  const head = `Rollback plan for ${plan.instance.name} (${plan.instance.id}) to set ${plan.setId}:`;
  ctx.stderr.write(`${[head, ...plan.steps.map((l) => `  ${l}`)].join('\n')}\n`);
}
