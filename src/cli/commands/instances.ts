import type { Command } from 'commander';
import type { CommandSpec } from '../types.js';
import { columnsOf, listResult } from '../views/field-table.js';
import { INSTANCES_VIEW } from '../views/snapshots.js';
import { withRuntime } from './shared/with-runtime.js';

/** The seed's Task 1 Step 1 table, done right: one server list and one volume list for the whole cloud. */
export const command: CommandSpec = {
  name: 'instances',
  summary: 'List instances and whether their volumes can be snapshotted',
  output: 'list',
  columns: () => columnsOf(INSTANCES_VIEW),
  configure(cmd: Command) {
    cmd.argument('[instance]', 'instance id or name (default: all instances)');
  },
  async run(ctx, args) {
    const instance = args[0];
    const inventory = await withRuntime(ctx, { recover: false }, async (rt) => {
      const { gatherInventory } = await import('../../index.js');
      return gatherInventory(rt, { ...(instance ? { instance } : {}), signal: ctx.signal });
    });
    return listResult(
      INSTANCES_VIEW,
      [...inventory.instances].sort((a, b) => a.instance.name.localeCompare(b.instance.name)),
    );
  },
};
