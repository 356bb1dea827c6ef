import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CcsnapError } from '../../core.js';
import { countParser } from '../parse-values.js';
import { waitForLock } from '../sandbox-lock.js';
import { defaultStatePath, readServerInfo } from '../sandbox-paths.js';
import type { CommandSpec } from '../types.js';

/**
 * A clean slate: the demo state, an empty journal (the sets of the old state would all show as
 * missing-on-array) and no logs. Refused while `sandbox serve` runs on the state (it would write its
 * state back); waits for in-process commands on it to finish.
 */
export const command: CommandSpec = {
  name: 'sandbox reset',
  summary: 'Reset the sandbox: demo state, empty journal, no logs',
  output: 'show',
  configure(cmd: Command) {
    cmd
      .option('--state <file>', 'state file (default: $CCSNAP_SANDBOX_DIR/state.json); its journal and logs sit next to it')
      .option(
        '--add-instances <n>',
        'also seed N more instances vm-00001.. (2 array volumes each, on compute-1 and compute-2), 0-10000',
        countParser(0, 10_000),
      );
  },
  async run(ctx, _args, opts) {
    const statePath = resolve(typeof opts.state === 'string' ? opts.state : defaultStatePath(ctx.env));
    const refuse = (pid: number, url: string): CcsnapError =>
      new CcsnapError('CCSNAP_SANDBOX_RUNNING', `a sandbox (pid ${pid}) is serving ${statePath} at ${url}; stop it (Ctrl-C), then reset`, {
        details: { pid, url, statePath },
      });
    const running = readServerInfo(statePath);
    if (running) throw refuse(running.pid, running.url);
    const got = await waitForLock(statePath, 'reset', {
      signal: ctx.signal,
      stop: () => readServerInfo(statePath),
      onWait: (h) => ctx.log.warn(`waiting for a ccsnap ${h.kind} (pid ${h.pid}) on ${statePath} to finish`),
    });
    if (!('release' in got)) throw refuse(got.pid, got.url);
    try {
      const { emptyState, seedDemoState, saveState, addScaledServers } = await import('../../sandbox-entry.js');
      const removed = removeJournalAndLogs(dirname(statePath));
      const state = seedDemoState(emptyState());
      if (typeof opts.addInstances === 'number' && opts.addInstances > 0)
        addScaledServers(state, { instances: opts.addInstances, volumesPerInstance: 2, snapshotsPerVolume: 0, hosts: 2 });
      saveState(statePath, state);
      return {
        kind: 'show',
        fields: { state_file: statePath, servers: state.nova.servers.length, volumes: state.cinder.volumes.length, removed },
      };
    } finally {
      got.release();
    }
  },
};

/** The sandbox journal (with its WAL and shm) and the log files next to the state; returns their names. */
function removeJournalAndLogs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).filter((n) => /^journal\.db(-wal|-shm|-journal)?$/.test(n) || n.endsWith('.log'));
  for (const n of names) rmSync(join(dir, n), { force: true });
  return names.sort();
}
