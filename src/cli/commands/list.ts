import type { Command } from 'commander';
import type { CommandSpec } from '../types.js';
import { withRuntime } from './shared/with-runtime.js';

const COLUMNS = ['Instance ID', 'Instance Name', 'Volume ID', 'Snapshot', 'Set ID', 'Label', 'Created', 'Consistency', 'Frozen ms', 'Status', 'Path'];

/** Seed Task 2: every array snapshot of one or all instances, from the array's truth plus the journal. */
export const command: CommandSpec = {
  name: 'list',
  summary: 'List the array snapshots of one or all instances',
  output: 'list',
  columns: () => COLUMNS,
  configure(cmd: Command) {
    cmd.argument('[instance]', 'instance id or name (default: all instances)');
  },
  async run(ctx, args) {
    const instance = args[0];
    const entries = await withRuntime(ctx, { recover: true }, async (rt) => {
      const { listSnapshots } = await import('../../ops/list.js');
      return listSnapshots(rt, { ...(instance ? { instance } : {}), signal: ctx.signal });
    });
    const rows = entries.map((e) => ({
      'Instance ID': e.instance.id,
      'Instance Name': e.instance.name,
      'Volume ID': e.volumeId,
      Snapshot: e.name,
      'Set ID': e.setId,
      Label: e.journal?.label ?? null,
      Created: e.created,
      Consistency: e.journal?.consistency ?? null,
      'Frozen ms': e.journal?.frozenMs ?? null,
      Status: e.status,
      Path: e.path,
    }));
    return { kind: 'list', columns: COLUMNS, rows };
  },
};
