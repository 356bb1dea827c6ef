import { Option, type Command } from 'commander';
import { UsageError, parseDuration } from '../../core.js';
import type { CreateOutcome } from '../../index.js';
import { withHint } from '../hints.js';
import { countParser } from '../parse-values.js';
import type { CommandContext, CommandResult, CommandSpec } from '../types.js';
import { listResult } from '../views/field-table.js';
import { CREATE_COLUMNS, CREATE_VIEW, outcomeError } from '../views/create.js';
import { withRuntime } from './shared/with-runtime.js';

export const command: CommandSpec = {
  name: 'create',
  summary: 'Take a crash-consistent snapshot set of one or more instances',
  output: 'list',
  columns: () => CREATE_COLUMNS,
  configure(cmd: Command) {
    cmd
      .argument('[instance...]', 'instance ids or names')
      .option('--all', 'every instance that has volumes on an array')
      .option('--name <label>', 'label for the snapshot set')
      .option('--boot-only', "snapshot only the boot volume (the seed post's behaviour)")
      .addOption(
        new Option('--freeze <policy>', 'required: no freeze, no snapshot; best-effort: snapshot anyway (crash-consistent); skip').choices([
          'required',
          'best-effort',
          'skip',
        ]),
      )
      .option(
        '--max-freeze <seconds>',
        'longest the guest may stay frozen, 0 < s <= 300; the array calls are abandoned and the guest thawed after it (default 10)',
        parseMaxFreeze,
      )
      .option('--dry-run', 'print the plan; freeze and snapshot nothing')
      .option('--concurrency <n>', 'instances at once, 1-256 (default 8)', countParser(1, 256))
      .option('--per-host <n>', 'instances at once per compute host, 1-64 (default 2)', countParser(1, 64));
  },
  async run(ctx, args, opts) {
    if (args.length === 0 && !opts.all) throw new UsageError('name at least one instance, or use --all');
    if (args.length > 0 && opts.all) throw new UsageError('give instances or --all, not both');
    const multi = isMulti(args, opts);
    const outcomes = await withRuntime(ctx, { recover: true }, async (rt) => {
      const { createSnapshots } = await import('../../index.js');
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
    return present(outcomes, multi, ctx, opts);
  },
};

/**
 * One row per instance, whatever their number. Each failed instance gets one stderr line. A create of one
 * instance that failed prints only that line, unless `-f` asked for data: then its row too.
 */
function present(outcomes: CreateOutcome[], multi: boolean, ctx: CommandContext, opts: Record<string, unknown>): CommandResult {
  const errors = outcomes.map((o) => ({ o, error: outcomeError(o) })).filter((x) => x.error !== undefined);
  for (const { o, error } of errors) ctx.stderr.write(`ccsnap: error: ${multi ? `${o.instance}: ` : ''}${withHint(error!)} [${error!.code}]\n`);
  const exitCode = errors.length > 0 ? 1 : 0;
  if (!multi && exitCode !== 0 && typeof opts.format !== 'string') return { kind: 'none', exitCode };
  return listResult(CREATE_VIEW, outcomes, exitCode);
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

/** Several instances (or --all): progress on a terminal, and each stderr error line names its instance. */
function isMulti(args: string[], opts: Record<string, unknown>): boolean {
  return args.length > 1 || Boolean(opts.all);
}
