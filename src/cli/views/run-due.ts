import type { OccurrenceRun, PolicyRun, RetentionRunDecision, RunReport } from '../../index.js';
import type { FieldTable } from './field-table.js';

/**
 * `ccsnap run-due` and `ccsnap policy run NAME`: one row per decision, in the order they were taken.
 * Step: `missed` (an occurrence recorded missed), the occurrence and how it ran (`on-time`, `late`,
 * `adopted`, `closed`, `ad-hoc`, `left` to another live runner), `create` (one instance of it),
 * `retention` (a set pruned; with --dry-run every set decided, kept or not) and `error` (the policy
 * could not run).
 */
export interface RunRow {
  policy: string;
  occurrence: string | null;
  step: string;
  instance: string | null;
  setId: string | null;
  result: string;
  detail: string | null;
}

export const RUN_VIEW: FieldTable<RunRow> = {
  Policy: (r) => r.policy,
  Occurrence: (r) => r.occurrence,
  Step: (r) => r.step,
  Instance: (r) => r.instance,
  'Set ID': (r) => r.setId,
  Result: (r) => r.result,
  Detail: (r) => r.detail,
};

export function runRows(report: RunReport): RunRow[] {
  return report.policies.flatMap((p) => policyRows(p, report.dryRun));
}

function policyRows(p: PolicyRun, dryRun: boolean): RunRow[] {
  const rows: RunRow[] = [];
  const row = (r: Omit<RunRow, 'policy'>): void => void rows.push({ policy: p.policy, ...r });
  for (const m of p.missed)
    row({ occurrence: m.occurrence, step: 'missed', instance: null, setId: null, result: dryRun ? 'would record missed' : 'missed', detail: m.reason });
  if (p.missedTruncated)
    row({ occurrence: null, step: 'missed', instance: null, setId: null, result: 'missed', detail: 'more occurrences were missed than are listed' });
  for (const o of p.occurrences) rows.push(...occurrenceRows(o));
  for (const d of p.retention?.decisions ?? []) if (dryRun || d.action === 'prune') row(retentionRow(d));
  if (p.error) row({ occurrence: null, step: 'error', instance: null, setId: null, result: 'failed', detail: `${p.error.message} [${p.error.code}]` });
  return rows;
}

function occurrenceRows(o: OccurrenceRun): RunRow[] {
  const head: RunRow = { policy: o.policy, occurrence: o.occurrence, step: o.how, instance: null, setId: null, result: o.state, detail: o.reason };
  return [
    head,
    ...o.instances.map((i): RunRow => ({
      policy: o.policy,
      occurrence: o.occurrence,
      step: 'create',
      instance: i.instanceName,
      setId: i.setId,
      result: i.outcome,
      detail: i.message ? `${i.message}${i.errorCode ? ` [${i.errorCode}]` : ''}` : i.outcome === 'planned' ? `starts at ${i.startAt}` : i.consistency,
    })),
  ];
}

function retentionRow(d: RetentionRunDecision): Omit<RunRow, 'policy'> {
  const result = { kept: 'keep', deleted: 'pruned', planned: 'would prune', failed: 'prune failed' }[d.outcome];
  return {
    occurrence: null,
    step: 'retention',
    instance: d.instanceName,
    setId: d.setId,
    result,
    detail: d.error ?? (d.keptBy.join('; ') || 'kept by no rule'),
  };
}
