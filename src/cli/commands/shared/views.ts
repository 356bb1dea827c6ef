import type { CreateResult } from '../../../engine/apply-create.js';
import type { CreatePlan } from '../../../engine/plan-create.js';

/** The seed's Task 1 Step 5, done: one set with its members and figures. */
export function createResultFields(r: CreateResult): Record<string, unknown> {
  return {
    set_id: r.setId,
    instance_id: r.instanceId,
    instance_name: r.instanceName,
    label: r.label,
    state: r.state,
    consistency: r.consistency,
    reason: r.reason,
    frozen_ms: r.frozenMs,
    thawed_by: r.thawedBy,
    members: r.members.map((m) => ({ volume_id: m.volumeId, device: m.device, array: m.arrayName, filesystem_id: m.fsId, snapshot: m.snapshotName, path: m.path, state: m.state, ...(m.error ? { error: m.error } : {}) })),
    steps: r.steps.map((s) => ({ step: s.name, status: s.status, ms: s.durationMs })),
    operation_id: r.opId,
    error: r.error ? `${r.error.message} [${r.error.code}]` : null,
  };
}

export function createPlanFields(p: CreatePlan): Record<string, unknown> {
  return {
    set_id: p.setId,
    instance_id: p.instance.id,
    instance_name: p.instance.name,
    status: p.instance.status,
    domain: p.instance.domain,
    host: p.instance.host,
    hypervisor_uri: p.uri,
    freeze: p.freeze.willFreeze ? `yes (${p.freeze.policy})` : `no: ${p.freeze.reason ?? ''}`,
    max_freeze_s: p.maxFreezeMs / 1000,
    expected_consistency: p.expectedConsistency,
    label: p.label,
    members: p.members.map((m) => ({ volume_id: m.volumeId, device: m.device, bootable: m.bootable, array: m.arrayName, filesystem_id: m.fsId, snapshot: m.snapshotName })),
    skipped: p.skipped.map((s) => ({ volume_id: s.volumeId, reason: s.reason })),
  };
}

/** Field names of a created set and of a plan, known before anything runs (for the up-front -c check). */
export const CREATE_RESULT_FIELDS = ['set_id', 'instance_id', 'instance_name', 'label', 'state', 'consistency', 'reason', 'frozen_ms', 'thawed_by', 'members', 'steps', 'operation_id', 'error'];
export const CREATE_PLAN_FIELDS = ['set_id', 'instance_id', 'instance_name', 'status', 'domain', 'host', 'hypervisor_uri', 'freeze', 'max_freeze_s', 'expected_consistency', 'label', 'members', 'skipped'];
