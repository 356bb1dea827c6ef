import { resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultStatePath, readServerInfo } from '../sandbox-paths.js';
import type { CommandSpec } from '../types.js';

export const command: CommandSpec = {
  name: 'sandbox reset',
  summary: 'Re-seed the sandbox state file with the demo inventory',
  output: 'show',
  configure(cmd: Command) {
    cmd.option('--state <file>', 'state file (default: $CCSNAP_SANDBOX_DIR/state.json)');
  },
  async run(ctx, _args, opts) {
    const statePath = resolve(typeof opts.state === 'string' ? opts.state : defaultStatePath(ctx.env));
    const running = readServerInfo(statePath);
    if (running) {
      ctx.log.warn(`a sandbox (pid ${running.pid}) is serving ${statePath} at ${running.url}; restart it to use the reset state`);
    }
    const [{ emptyState, seedDemoState }, { saveState }] = await Promise.all([import('../../sandbox/index.js'), import('../../sandbox/store.js')]);
    const state = seedDemoState(emptyState());
    saveState(statePath, state);
    return {
      kind: 'show',
      fields: { state_file: statePath, servers: state.nova.servers.length, volumes: state.cinder.volumes.length },
    };
  },
};
