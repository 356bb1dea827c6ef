import type { CommandSpec } from '../types.js';
import { withRuntime } from './shared/with-runtime.js';

const COLUMNS = ['Name', 'Schedule', 'Timezone', 'Next', 'Last Occurrence', 'Last State', 'Missed', 'Spread', 'Retention', 'Instances'];

/** The cloud's snapshot policies: schedule, next occurrence, the newest one recorded, retention, selector. */
export const command: CommandSpec = {
  name: 'policy list',
  summary: 'List the snapshot policies of the cloud',
  output: 'list',
  columns: () => COLUMNS,
  configure() {},
  async run(ctx) {
    const summaries = await withRuntime(ctx, { recover: false }, async (rt) => {
      const { listPolicies } = await import('../../ops/policy.js');
      return listPolicies(rt);
    });
    return {
      kind: 'list',
      columns: COLUMNS,
      rows: summaries.map((p) => ({
        Name: p.name, Schedule: p.schedule, Timezone: p.timezone, Next: p.next, 'Last Occurrence': p.lastOccurrence, 'Last State': p.lastState,
        Missed: p.missed, Spread: p.spread, Retention: p.retention, Instances: p.instances,
      })),
    };
  },
};
