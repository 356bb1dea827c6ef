import { Option, type Command } from 'commander';
import { CcsnapError, UsageError } from '../../core.js';
import { sleep } from '../../index.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { ECHO_COLUMNS, ECHO_ROWS } from './echo-data.js';

/** Hidden test command: prints a sample list in any format, fails on demand, or waits for a signal. */
export const command: CommandSpec = {
  name: '_echo',
  summary: 'Print a sample list (for testing output formats)',
  output: 'list',
  configure(cmd: Command) {
    cmd
      .addOption(new Option('--fail <kind>', 'fail with this kind of error').choices(['usage', 'ccsnap', 'crash']))
      .option('--wait', 'wait until SIGINT/SIGTERM, then clean up')
      .option('--critical-ms <ms>', 'with --wait: clean up inside a critical section lasting this long', Number)
      .option('--exit <code>', 'exit status to return', Number)
      .option('--empty', 'return no rows');
  },
  async run(ctx, _args, opts) {
    if (opts.fail) fail(String(opts.fail));
    if (opts.wait) await waitForSignal(ctx, typeof opts.criticalMs === 'number' ? opts.criticalMs : 0);
    ctx.log.info('echo: returning sample rows', { password: 'not-shown', rows: ECHO_ROWS.length });
    return {
      kind: 'list',
      columns: ECHO_COLUMNS,
      rows: opts.empty ? [] : ECHO_ROWS,
      ...(typeof opts.exit === 'number' ? { exitCode: opts.exit } : {}),
    };
  },
};

function fail(kind: string): never {
  if (kind === 'usage') throw new UsageError('bad usage for testing');
  if (kind === 'ccsnap') throw new CcsnapError('CCSNAP_ECHO_FAILED', 'echo failed as asked', { details: { token: 'tok-secret', instance: 'web-1' } });
  throw new TypeError('unexpected crash for testing');
}

async function waitForSignal(ctx: CommandContext, criticalMs: number): Promise<void> {
  ctx.stdout.write('waiting\n');
  const keepAlive = setInterval(() => {}, 60_000); // nothing else keeps the event loop alive while waiting
  await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  clearInterval(keepAlive);
  if (criticalMs > 0) {
    await ctx.criticalSection('echo cleanup', async () => {
      ctx.stdout.write('cleanup started\n');
      await sleep(criticalMs);
      ctx.stdout.write('cleanup done\n');
    });
  }
}
