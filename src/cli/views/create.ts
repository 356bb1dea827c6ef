import type { CreateOutcome, CreatePlan, CreateResult } from '../../index.js';
import { columnsOf, rowOf, type FieldTable } from './field-table.js';

type ErrorOutcome = Extract<CreateOutcome, { kind: 'error' }>;

/** Reads one field of an outcome, whichever its kind: a failed instance, a --dry-run plan or a set. */
function by<T>(read: { error: (o: ErrorOutcome) => T; plan: (p: CreatePlan) => T; result: (r: CreateResult) => T }): (o: CreateOutcome) => T {
  return (o) => (o.kind === 'error' ? read.error(o) : o.kind === 'plan' ? read.plan(o.plan) : read.result(o.result));
}

const none = (): null => null;

/**
 * `ccsnap create` prints one row per instance, whatever the number of instances (Title Case, like `list` and
 * `instances`). JSON/YAML: an array of objects with these keys. `Members` is a list of objects (volume_id,
 * device, array, filesystem_id, snapshot, path, state and, when it failed, error; a --dry-run also lists
 * skipped volumes with state "skipped" and a reason); `Steps` a list of { step, status, ms }.
 */
export const CREATE_VIEW: FieldTable<CreateOutcome> = {
  'Instance ID': by({ error: (o) => o.instanceId ?? null, plan: (p) => p.instance.id, result: (r) => r.instanceId }),
  'Instance Name': by({ error: (o) => o.instance, plan: (p) => p.instance.name, result: (r) => r.instanceName }),
  'Set ID': by({ error: none, plan: (p) => p.setId, result: (r) => r.setId }),
  Label: by({ error: none, plan: (p) => p.label, result: (r) => r.label }),
  State: by<string>({ error: () => 'error', plan: () => 'planned', result: (r) => r.state }),
  Consistency: by({ error: none, plan: (p) => p.expectedConsistency, result: (r) => r.consistency }),
  Reason: by({ error: none, plan: (p) => (p.freeze.willFreeze ? null : (p.freeze.reason ?? null)), result: (r) => r.reason }),
  'Frozen ms': by({ error: none, plan: none, result: (r) => r.frozenMs }),
  'Thawed by': by({ error: none, plan: none, result: (r) => r.thawedBy }),
  Members: by<unknown[]>({ error: () => [], plan: planMembers, result: resultMembers }),
  Steps: by<unknown[]>({ error: () => [], plan: () => [], result: (r) => r.steps.map((s) => ({ step: s.name, status: s.status, ms: s.durationMs })) }),
  'Operation ID': by({ error: none, plan: none, result: (r) => r.opId }),
  Error: by({ error: (o) => errorText(o.error), plan: none, result: (r) => (r.error ? errorText(r.error) : null) }),
};

export const CREATE_COLUMNS = columnsOf(CREATE_VIEW);

/** One create outcome (a set, a plan or an error) as a row keyed by CREATE_COLUMNS. */
export function createRow(o: CreateOutcome): Record<string, unknown> {
  return rowOf(CREATE_VIEW, o);
}

function planMembers(p: CreatePlan): unknown[] {
  return [
    ...p.members.map((m) => ({
      volume_id: m.volumeId,
      device: m.device,
      array: m.arrayName,
      filesystem_id: m.fsId,
      snapshot: m.snapshotName,
      path: null,
      state: 'planned',
    })),
    ...p.skipped.map((s) => ({ volume_id: s.volumeId, state: 'skipped', reason: s.reason })),
  ];
}

function resultMembers(r: CreateResult): unknown[] {
  return r.members.map((m) => ({
    volume_id: m.volumeId,
    device: m.device,
    array: m.arrayName,
    filesystem_id: m.fsId,
    snapshot: m.snapshotName,
    path: m.path,
    state: m.state,
    ...(m.error ? { error: m.error } : {}),
  }));
}

function errorText(e: { code: string; message: string }): string {
  return `${e.message} [${e.code}]`;
}

/** The error of an outcome, if it failed. */
export function outcomeError(o: CreateOutcome): { code: string; message: string } | undefined {
  if (o.kind === 'error') return o.error;
  if (o.kind === 'result')
    return o.result.error ?? (o.result.state === 'failed' ? { code: 'CCSNAP_CREATE_FAILED', message: `set ${o.result.setId} failed` } : undefined);
  return undefined;
}
