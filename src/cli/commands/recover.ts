import type { CommandSpec } from '../types.js';
import { withRuntime } from './shared/with-runtime.js';

const COLUMNS = ['Operation', 'Kind', 'Instance', 'Started', 'Action', 'Outcome', 'Detail'];

/** Finishes or undoes what a dead ccsnap left: thaw guests, clean or complete sets, finish rollbacks. */
export const command: CommandSpec = {
  name: 'recover',
  summary: 'Finish or undo operations interrupted by a crash',
  output: 'list',
  columns: () => COLUMNS,
  configure() {},
  async run(ctx) {
    const reports = await withRuntime(ctx, { recover: false }, async (rt) => {
      const { recoverOperations } = await import('../../ops/recover.js');
      return recoverOperations(rt, { auto: false, signal: ctx.signal });
    });
    return {
      kind: 'list',
      columns: COLUMNS,
      rows: reports.map((r) => ({ Operation: r.opId, Kind: r.kind, Instance: r.instanceName, Started: r.startedAt, Action: r.action, Outcome: r.outcome, Detail: r.detail })),
      exitCode: reports.some((r) => r.outcome === 'failed') ? 1 : 0,
    };
  },
};
