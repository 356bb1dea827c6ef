import type { Command } from 'commander';
import type { CommandSpec } from '../types.js';
import { columnsOf, streamResult } from '../views/field-table.js';
import { LIST_VIEW } from '../views/snapshots.js';
import { streamWithRuntime } from './shared/with-runtime.js';

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
    // Printed instance by instance as the array's lists come (json, yaml, value, csv): a cloud of 10⁴
    // instances never sits in memory whole (a table gathers its rows first: its widths need them all).
    const entries = streamWithRuntime(ctx, { recover: true }, async function* (rt) {
      const { streamSnapshots } = await import('../../index.js');
      yield* streamSnapshots(rt, { ...(instance ? { instance } : {}), signal: ctx.signal });
    });
    return streamResult(LIST_VIEW, entries);
  },
};
