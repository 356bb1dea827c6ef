import type { Command } from 'commander';
import type { CommandSpec } from '../types.js';
import { withRuntime } from './shared/with-runtime.js';

const FIELDS = [
  'name', 'schedule', 'timezone', 'missed', 'spread', 'create', 'notify', 'instances', 'retention', 'next', 'next_occurrences',
  'last_occurrence', 'last_state', 'recent_occurrences', 'matched_instances', 'keep', 'prune', 'retention_decisions',
];

/** One policy: matched instances, next and recent occurrences, and what retention keeps and prunes now, and why. */
export const command: CommandSpec = {
  name: 'policy show',
  summary: 'Show a snapshot policy: matched instances, occurrences, what retention keeps and prunes',
  output: 'show',
  columns: () => FIELDS,
  configure(cmd: Command) {
    cmd.argument('<name>', 'policy name');
  },
  async run(ctx, args) {
    const p = await withRuntime(ctx, { recover: false }, async (rt) => {
      const { showPolicy } = await import('../../ops/policy.js');
      return showPolicy(rt, args[0]!, { signal: ctx.signal });
    });
    return {
      kind: 'show',
      fields: {
        name: p.name, schedule: p.schedule, timezone: p.timezone, missed: p.missed, spread: p.spread, create: p.create, notify: p.notify,
        instances: p.instances, retention: p.retention, next: p.next, next_occurrences: p.nextOccurrences,
        last_occurrence: p.lastOccurrence, last_state: p.lastState,
        recent_occurrences: p.recentOccurrences.map((o) => ({ occurrence: o.occurrence, scheduled: o.scheduled, state: o.state, reason: o.reason })),
        matched_instances: p.matchedInstances.map((i) => ({ id: i.id, name: i.name, project_id: i.projectId })),
        keep: p.keep,
        prune: p.prune,
        retention_decisions: p.retentionDecisions.map((d) => ({
          set_id: d.setId, instance_id: d.instanceId, created: d.created, state: d.state, action: d.action, kept_by: d.keptBy.join('; '),
        })),
      },
    };
  },
};
