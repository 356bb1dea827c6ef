import type { Command } from 'commander';
import type { CcsnapError, Runtime } from '../../index.js';
import { readVersion } from '../version.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { withRuntime } from './shared/with-runtime.js';

/**
 * `ccsnap daemon`: the scheduler (run-due in a loop) with its HTTP face (/metrics, /healthz, /api/v1, the status
 * page). SIGTERM/SIGINT: no new run or freeze starts, open freeze windows finish (bounded by max-freeze), exit 0.
 * SIGHUP: the current pass finishes, then the config is read again (policies, arrays, timeouts).
 */
export const command: CommandSpec = {
  name: 'daemon',
  summary: 'Run the policies on their schedules, with metrics, an API and a status page',
  service: true,
  configure(cmd: Command) {
    cmd
      .option('--listen <host:port>', 'HTTP address (default 127.0.0.1:9464); anything but loopback needs --token-file')
      .option('--token-file <file>', 'a file (0600) with the bearer token that every route but /healthz then requires');
  },
  async run(ctx, _args, opts) {
    while (!ctx.signal.aborted) {
      const reloaded = await withRuntime(ctx, { recover: true }, (rt) => serve(ctx, rt, opts));
      if (!reloaded) break;
      say(ctx, 'SIGHUP: reading the configuration again');
    }
    say(ctx, 'stopped');
    return { kind: 'none', exitCode: 0 };
  },
};

/** One configuration's life: the HTTP face and the scheduler, until a stop (false) or a SIGHUP (true). */
async function serve(ctx: CommandContext, rt: Runtime, opts: Record<string, unknown>): Promise<boolean> {
  const { createJournalView, createRunnerSource, runScheduler, startDaemonHttp } = await import('../../daemon-entry.js');
  const life = new AbortController();
  let reloaded = false;
  const onHup = (): void => {
    reloaded = true;
    life.abort(new Error('SIGHUP'));
  };
  const onStop = (): void => life.abort(ctx.signal.reason);
  ctx.signals.on('SIGHUP', onHup);
  ctx.signal.addEventListener('abort', onStop, { once: true });
  // Fenced (its lease on a shared journal ran out and another worker may hold what it held): it stops as on
  // SIGTERM (open freeze windows finish and thaw), then exits 1, for its supervisor to start a new owner.
  let fenced: CcsnapError | undefined;
  const offFenced = rt.journal().onFenced?.((err) => {
    fenced = err;
    ctx.log.error(`${err.message} [${err.code}]`);
    life.abort(err);
  });
  const policies = createRunnerSource(rt, {
    signal: life.signal,
    onTriggered: (name, o) =>
      'error' in o ? ctx.log.warn(`triggered run of ${name} failed: ${(o.error as Error).message}`) : say(ctx, `triggered run of ${name} done`),
  });
  try {
    const http = await startDaemonHttp({
      view: createJournalView({ journal: rt.journal(), policies }),
      version: readVersion(),
      ...(typeof opts.listen === 'string' ? { listen: opts.listen } : {}),
      ...(typeof opts.tokenFile === 'string' ? { tokenFile: opts.tokenFile } : {}),
      onError: (m) => ctx.log.warn(m),
    });
    say(ctx, `listening on ${http.server.url}; ${rt.settings.policies.length} policies`);
    const { startPolicyWorker } = await import('../../index.js');
    rt.onFleetError = (err) => ctx.log.warn(`job queue: ${err.message} [${err.code}]`);
    if (await startPolicyWorker(rt, { signal: life.signal, log: { info: (m) => ctx.log.info(m), warn: (m) => ctx.log.warn(m) } }))
      say(ctx, `worker: serving policy jobs from the shared journal, ${rt.settings.fleet.concurrency} at a time`);
    try {
      await runScheduler(rt, {
        signal: life.signal,
        onReport: (r) =>
          say(ctx, `run-due: ${r.policies.map((p) => `${p.policy}: ${p.occurrences.length} occurrence(s), ${p.missed.length} missed`).join('; ')}`),
        onError: (err) => ctx.log.warn(`run-due failed: ${(err as Error).message}`),
      });
      await Promise.allSettled(policies.running());
    } finally {
      await http.close();
    }
  } finally {
    ctx.signals.off('SIGHUP', onHup);
    ctx.signal.removeEventListener('abort', onStop);
    offFenced?.();
  }
  if (fenced) throw fenced;
  return reloaded && !ctx.signal.aborted;
}

/** A service's life is its log: what it does goes to stderr at the default level (journald keeps it); -q hides it. */
function say(ctx: CommandContext, message: string): void {
  if (!ctx.globals.quiet) ctx.stderr.write(`ccsnap daemon: ${message}\n`);
}
