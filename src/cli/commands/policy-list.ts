import type { CommandSpec } from '../types.js';
import { columnsOf, listResult } from '../views/field-table.js';
import { POLICY_LIST_VIEW } from '../views/policy.js';
import { withRuntime } from './shared/with-runtime.js';

/** The cloud's snapshot policies: schedule, next occurrence, the newest one recorded, retention, selector. */
export const command: CommandSpec = {
  name: 'policy list',
  summary: 'List the snapshot policies of the cloud',
  output: 'list',
  columns: () => columnsOf(POLICY_LIST_VIEW),
  configure() {},
  async run(ctx) {
    const summaries = await withRuntime(ctx, { recover: false }, async (rt) => {
      const { listPolicies } = await import('../../index.js');
      return listPolicies(rt);
    });
    return listResult(POLICY_LIST_VIEW, summaries);
  },
};
