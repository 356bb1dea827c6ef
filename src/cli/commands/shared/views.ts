import type { CreateResult } from '../../../engine/apply-create.js';
import type { CreatePlan } from '../../../engine/plan-create.js';
import type { CreateOutcome } from '../../../ops/create.js';

/**
 * `ccsnap create` prints one row per instance, whatever the number of instances, with these columns
 * (Title Case, like `list` and `instances`). JSON/YAML: an array of objects with these keys.
 * `Members` is a list of objects (volume_id, device, array, filesystem_id, snapshot, path, state and,
 * when it failed, error; a --dry-run also lists skipped volumes with state "skipped" and a reason);
 * `Steps` a list of { step, status, ms }.
 */
export const CREATE_COLUMNS = ['Instance ID', 'Instance Name', 'Set ID', 'Label', 'State', 'Consistency', 'Reason', 'Frozen ms', 'Thawed by', 'Members', 'Steps', 'Operation ID', 'Error'];

/** One create outcome (a set, a plan or an error) as a row keyed by CREATE_COLUMNS. */
export function createRow(o: CreateOutcome): Record<string, unknown> {
  if (o.kind === 'error') return errorRow(o);
  if (o.kind === 'plan') return planRow(o.plan);
  return resultRow(o.result);
}

function errorRow(o: Extract<CreateOutcome, { kind: 'error' }>): Record<string, unknown> {
  return {
    'Instance ID': o.instanceId ?? null, 'Instance Name': o.instance, 'Set ID': null, Label: null, State: 'error', Consistency: null,
    Reason: null, 'Frozen ms': null, 'Thawed by': null, Members: [], Steps: [], 'Operation ID': null, Error: `${o.error.message} [${o.error.code}]`,
  };
}

function resultRow(r: CreateResult): Record<string, unknown> {
  return {
    'Instance ID': r.instanceId, 'Instance Name': r.instanceName, 'Set ID': r.setId, Label: r.label, State: r.state, Consistency: r.consistency,
    Reason: r.reason, 'Frozen ms': r.frozenMs, 'Thawed by': r.thawedBy,
    Members: r.members.map((m) => ({ volume_id: m.volumeId, device: m.device, array: m.arrayName, filesystem_id: m.fsId, snapshot: m.snapshotName, path: m.path, state: m.state, ...(m.error ? { error: m.error } : {}) })),
    Steps: r.steps.map((s) => ({ step: s.name, status: s.status, ms: s.durationMs })),
    'Operation ID': r.opId,
    Error: r.error ? `${r.error.message} [${r.error.code}]` : null,
  };
}

function planRow(p: CreatePlan): Record<string, unknown> {
  return {
    'Instance ID': p.instance.id, 'Instance Name': p.instance.name, 'Set ID': p.setId, Label: p.label, State: 'planned', Consistency: p.expectedConsistency,
    Reason: p.freeze.willFreeze ? null : (p.freeze.reason ?? null), 'Frozen ms': null, 'Thawed by': null,
    Members: [
      ...p.members.map((m) => ({ volume_id: m.volumeId, device: m.device, array: m.arrayName, filesystem_id: m.fsId, snapshot: m.snapshotName, path: null, state: 'planned' })),
      ...p.skipped.map((s) => ({ volume_id: s.volumeId, state: 'skipped', reason: s.reason })),
    ],
    Steps: [],
    'Operation ID': null,
    Error: null,
  };
}

/** The error of an outcome, if it failed. */
export function outcomeError(o: CreateOutcome): { code: string; message: string } | undefined {
  if (o.kind === 'error') return o.error;
  if (o.kind === 'result') return o.result.error ?? (o.result.state === 'failed' ? { code: 'CCSNAP_CREATE_FAILED', message: `set ${o.result.setId} failed` } : undefined);
  return undefined;
}
