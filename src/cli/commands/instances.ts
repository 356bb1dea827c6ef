import type { Command } from 'commander';
import { gatherInventory } from '../../ops/inventory.js';
import type { CommandSpec } from '../types.js';
import { withRuntime } from './shared/with-runtime.js';

const COLUMNS = ['ID', 'Name', 'Status', 'Domain', 'Host', 'Volumes', 'Snapshot Capable'];

/** The seed's Task 1 Step 1 table, done right: one server list and one volume list for the whole cloud. */
export const command: CommandSpec = {
  name: 'instances',
  summary: 'List instances and whether their volumes can be snapshotted',
  output: 'list',
  columns: () => COLUMNS,
  configure(cmd: Command) {
    cmd.argument('[instance]', 'instance id or name (default: all instances)');
  },
  async run(ctx, args) {
    const instance = args[0];
    const inventory = await withRuntime(ctx, { recover: false }, (rt) => gatherInventory(rt, { ...(instance ? { instance } : {}), signal: ctx.signal }));
    const rows = inventory.instances.map(({ instance: i, volumes }) => ({
      ID: i.id,
      Name: i.name,
      Status: i.status,
      Domain: i.domain,
      Host: i.host,
      Volumes: volumes.map((v) => ({
        id: v.id,
        type: v.volumeType,
        bootable: v.bootable,
        device: v.device,
        array: v.array?.name ?? null,
        filesystem: v.array?.fsId ?? null,
        ...(v.array ? {} : { reason: v.arrayReason }),
      })),
      'Snapshot Capable': volumes.length > 0 && volumes.some((v) => v.array) ? (volumes.every((v) => v.array) ? 'yes' : 'partly') : 'no',
    }));
    return { kind: 'list', columns: COLUMNS, rows: rows.sort((a, b) => a.Name.localeCompare(b.Name)) };
  },
};
