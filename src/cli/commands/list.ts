import type { Command } from 'commander';
import type { CommandSpec } from '../types.js';
import { columnsOf, listResult } from '../views/field-table.js';
import { LIST_VIEW } from '../views/snapshots.js';
import { withRuntime } from './shared/with-runtime.js';

/** Seed Task 2: every array snapshot of one or all instances, from the array's truth plus the journal. */
export const command: CommandSpec = {
  name: 'list',
  summary: 'List the array snapshots of one or all instances',
  output: 'list',
  columns: () => columnsOf(LIST_VIEW),
  configure(cmd: Command) {
    cmd.argument('[instance]', 'instance id or name (default: all instances)');
  },
  async run(ctx, args) {
    const instance = args[0];
    const entries = await withRuntime(ctx, { recover: true }, async (rt) => {
      const { listSnapshots } = await import('../../index.js');
      return listSnapshots(rt, { ...(instance ? { instance } : {}), signal: ctx.signal });
    });
    return listResult(LIST_VIEW, entries);
  },
};
