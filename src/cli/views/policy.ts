import type { PolicyDetail, PolicySummary } from '../../index.js';
import type { FieldTable } from './field-table.js';

/** `ccsnap policy list`: one row per policy of the cloud. */
export const POLICY_LIST_VIEW: FieldTable<PolicySummary> = {
  Name: (p) => p.name,
  Schedule: (p) => p.schedule,
  Timezone: (p) => p.timezone,
  Next: (p) => p.next,
  'Last Occurrence': (p) => p.lastOccurrence,
  'Last State': (p) => p.lastState,
  Missed: (p) => p.missed,
  Spread: (p) => p.spread,
  Retention: (p) => p.retention,
  Instances: (p) => p.instances,
};

/** `ccsnap policy show NAME`: the policy, what it matches, its occurrences and what retention keeps and prunes now. */
export const POLICY_SHOW_VIEW: FieldTable<PolicyDetail> = {
  name: (p) => p.name,
  schedule: (p) => p.schedule,
  timezone: (p) => p.timezone,
  missed: (p) => p.missed,
  spread: (p) => p.spread,
  create: (p) => p.create,
  notify: (p) => p.notify,
  instances: (p) => p.instances,
  retention: (p) => p.retention,
  next: (p) => p.next,
  next_occurrences: (p) => p.nextOccurrences,
  last_occurrence: (p) => p.lastOccurrence,
  last_state: (p) => p.lastState,
  recent_occurrences: (p) => p.recentOccurrences.map((o) => ({ occurrence: o.occurrence, scheduled: o.scheduled, state: o.state, reason: o.reason })),
  matched_instances: (p) => p.matchedInstances.map((i) => ({ id: i.id, name: i.name, project_id: i.projectId })),
  keep: (p) => p.keep,
  prune: (p) => p.prune,
  retention_decisions: (p) =>
    p.retentionDecisions.map((d) => ({
      set_id: d.setId,
      instance_id: d.instanceId,
      created: d.created,
      state: d.state,
      action: d.action,
      kept_by: d.keptBy.join('; '),
    })),
};
