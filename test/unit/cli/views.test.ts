import { describe, expect, it } from 'vitest';
import { columnsOf, listResult, rowOf, showResult } from '../../../src/cli/views/field-table.js';
import { DELETE_VIEW, INSTANCES_VIEW, deletionsOf } from '../../../src/cli/views/snapshots.js';
import type { DeletePlan, Inventory } from '../../../src/index.js';

describe('field tables', () => {
  const table = { B: (x: { b: number }) => x.b * 2, A: () => 'a' };

  it('columns keep the table order; rows are keyed by them', () => {
    expect(columnsOf(table)).toEqual(['B', 'A']);
    expect(rowOf(table, { b: 2 })).toEqual({ B: 4, A: 'a' });
    expect(listResult(table, [{ b: 1 }, { b: 3 }], 1)).toEqual({
      kind: 'list',
      columns: ['B', 'A'],
      rows: [
        { B: 2, A: 'a' },
        { B: 6, A: 'a' },
      ],
      exitCode: 1,
    });
    expect(showResult(table, { b: 0 })).toEqual({ kind: 'show', fields: { B: 0, A: 'a' } });
  });

  it('instances: snapshot capable is yes, partly or no from the volumes placed on an array', () => {
    const entry = (arrays: Array<boolean>): Inventory['instances'][number] =>
      ({
        instance: { id: 'i', name: 'n', status: 'ACTIVE', domain: 'd', host: 'h' },
        volumes: arrays.map((a, i) => ({
          id: `v${i}`,
          volumeType: 't',
          bootable: false,
          device: '/dev/vda',
          array: a ? { name: 'x', fsId: 'f' } : null,
          arrayReason: a ? null : 'not on an array',
        })),
      }) as unknown as Inventory['instances'][number];
    const capable = INSTANCES_VIEW['Snapshot Capable']!;
    expect([capable(entry([true, true])), capable(entry([true, false])), capable(entry([false])), capable(entry([]))]).toEqual(['yes', 'partly', 'no', 'no']);
    expect((INSTANCES_VIEW.Volumes!(entry([false])) as Array<Record<string, unknown>>)[0]).toMatchObject({ array: null, reason: 'not on an array' });
  });

  it('delete: a plan with nothing done says "would delete" on a dry run and "nothing to do" otherwise', () => {
    const plan = { deletions: [{ setId: 's', volumeId: 'v', arrayName: 'a', fsId: 'f', name: 'snap', path: '/p', onArray: true }] } as unknown as DeletePlan;
    expect(deletionsOf(plan, undefined, true).map((d) => rowOf(DELETE_VIEW, d).Outcome)).toEqual(['would delete']);
    expect(deletionsOf(plan, undefined, false).map((d) => rowOf(DELETE_VIEW, d).Outcome)).toEqual(['nothing to do']);
  });
});
