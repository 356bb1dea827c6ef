import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CreateOutcome } from '../../ops/create.js';
import { parseDuration } from '../../util/time.js';
import { countParser } from '../parse-values.js';
import type { CommandContext, CommandResult, CommandSpec } from '../types.js';
import { CREATE_PLAN_FIELDS, CREATE_RESULT_FIELDS, createPlanFields, createResultFields } from './shared/views.js';
import { withRuntime } from './shared/with-runtime.js';

const COLUMNS = ['Instance ID', 'Instance Name', 'Set ID', 'State', 'Consistency', 'Frozen ms', 'Members', 'Error'];

export const command: CommandSpec = {
  name: 'create',
  summary: 'Take a crash-consistent snapshot set of one or more instances',
  output: 'show',
  columns: (args, opts) => (isMulti(args, opts) ? COLUMNS : opts.dryRun ? CREATE_PLAN_FIELDS : CREATE_RESULT_FIELDS),
  configure(cmd: Command) {
    cmd
      .argument('[instance...]', 'instance ids or names')
      .option('--all', 'every instance that has volumes on an array')
      .option('--name <label>', 'label for the snapshot set')
      .option('--boot-only', 'snapshot only the boot volume (the seed post\'s behaviour)')
      .addOption(new Option('--freeze <policy>', 'required: no freeze, no snapshot; best-effort: snapshot anyway (crash-consistent); skip').choices(['required', 'best-effort', 'skip']))
      .option('--max-freeze <seconds>', 'longest the guest may stay frozen, 0 < s <= 300; the array calls are abandoned and the guest thawed after it (default 10)', parseMaxFreeze)
      .option('--dry-run', 'print the plan; freeze and snapshot nothing')
      .option('--concurrency <n>', 'instances at once, 1-256 (default 8)', countParser(1, 256))
      .option('--per-host <n>', 'instances at once per compute host, 1-64 (default 2)', countParser(1, 64));
  },
  async run(ctx, args, opts) {
    if (args.length === 0 && !opts.all) throw new UsageError('name at least one instance, or use --all');
    if (args.length > 0 && opts.all) throw new UsageError('give instances or --all, not both');
    const multi = isMulti(args, opts);
    const outcomes = await withRuntime(ctx, { recover: true }, async (rt) => {
      const { createSnapshots } = await import('../../ops/create.js');
      return createSnapshots(rt, {
        instances: args,
        all: Boolean(opts.all),
        label: typeof opts.name === 'string' ? opts.name : null,
        bootOnly: Boolean(opts.bootOnly),
        ...(typeof opts.freeze === 'string' ? { freeze: opts.freeze as 'required' | 'best-effort' | 'skip' } : {}),
        ...(typeof opts.maxFreeze === 'number' ? { maxFreezeMs: opts.maxFreeze } : {}),
        dryRun: Boolean(opts.dryRun),
        ...(typeof opts.concurrency === 'number' ? { concurrency: opts.concurrency } : {}),
        ...(typeof opts.perHost === 'number' ? { perHost: opts.perHost } : {}),
        signal: ctx.signal,
        ...(multi && process.stderr.isTTY ? { onProgress: (e) => progress(ctx, e) } : {}),
      });
    });
    return present(outcomes, multi, ctx);
  },
};

function present(outcomes: CreateOutcome[], multi: boolean, ctx: CommandContext): CommandResult {
  const failed = outcomes.some((o) => o.kind === 'error' || (o.kind === 'result' && (o.result.state === 'failed' || o.result.error !== undefined)));
  const exitCode = failed ? 1 : 0;
  if (!multi && outcomes.length === 1) {
    const o = outcomes[0]!;
    if (o.kind === 'error') {
      ctx.stderr.write(`ccsnap: error: ${o.error.message} [${o.error.code}]\n`);
      return { kind: 'none', exitCode: 1 };
    }
    if (o.kind === 'result' && o.result.error) ctx.stderr.write(`ccsnap: error: ${o.result.error.message} [${o.result.error.code}]\n`);
    return { kind: 'show', fields: o.kind === 'plan' ? createPlanFields(o.plan) : createResultFields(o.result), exitCode };
  }
  // One stderr line per failed instance, so a cron job sees what failed whatever the output format.
  for (const o of outcomes) {
    const error = o.kind === 'error' ? o.error : o.kind === 'result' ? o.result.error : undefined;
    if (error) ctx.stderr.write(`ccsnap: error: ${o.instance}: ${error.message} [${error.code}]\n`);
  }
  return { kind: 'list', columns: COLUMNS, rows: outcomes.map(row), exitCode };
}

function row(o: CreateOutcome): Record<string, unknown> {
  if (o.kind === 'error') return { 'Instance ID': null, 'Instance Name': o.instance, 'Set ID': null, State: 'error', Consistency: null, 'Frozen ms': null, Members: 0, Error: `${o.error.message} [${o.error.code}]` };
  if (o.kind === 'plan') return { 'Instance ID': o.plan.instance.id, 'Instance Name': o.plan.instance.name, 'Set ID': o.plan.setId, State: 'planned', Consistency: o.plan.expectedConsistency, 'Frozen ms': null, Members: o.plan.members.length, Error: null };
  const r = o.result;
  return { 'Instance ID': r.instanceId, 'Instance Name': r.instanceName, 'Set ID': r.setId, State: r.state, Consistency: r.consistency, 'Frozen ms': r.frozenMs, Members: r.members.length, Error: r.error ? `${r.error.message} [${r.error.code}]` : null };
}

function progress(ctx: CommandContext, e: { instance: string; phase: string; done: number; total: number }): void {
  if (e.phase !== 'start') ctx.stderr.write(`[${e.done}/${e.total}] ${e.instance}: ${e.phase}\n`);
}

/** Seconds (or a duration like 1500ms, 30s, 2m) above 0 and at most 300 s: a longer freeze is never what anyone wants. */
function parseMaxFreeze(value: string): number {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch {
    throw new UsageError(`--max-freeze must be a number of seconds (0 < s <= 300), got "${value}"`);
  }
  if (!(ms > 0) || ms > 300_000) throw new UsageError(`--max-freeze must be above 0 and at most 300 seconds, got "${value}"`);
  return ms;
}

/** One instance shows its set in full; several (or --all) give one row per instance. */
function isMulti(args: string[], opts: Record<string, unknown>): boolean {
  return args.length > 1 || Boolean(opts.all);
}
