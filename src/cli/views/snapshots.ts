import type { DeletePlan, DeleteResult, Inventory, ListedSnapshot, RecoverReport, RollbackPlan, RollbackResult, SetView } from '../../index.js';
import type { FieldTable } from './field-table.js';

/** `ccsnap list`: every array snapshot of one or all instances, from the array's truth plus the journal. */
export const LIST_VIEW: FieldTable<ListedSnapshot> = {
  'Instance ID': (e) => e.instance.id,
  'Instance Name': (e) => e.instance.name,
  'Volume ID': (e) => e.volumeId,
  Snapshot: (e) => e.name,
  'Set ID': (e) => e.setId,
  Label: (e) => e.journal?.label ?? null,
  Created: (e) => e.created,
  Consistency: (e) => e.journal?.consistency ?? null,
  'Frozen ms': (e) => e.journal?.frozenMs ?? null,
  Status: (e) => e.status,
  Path: (e) => e.path,
};

/** `ccsnap show`: one set in full (snake_case fields, like `openstack … show`). */
export const SHOW_VIEW: FieldTable<{ setId: string; view: SetView }> = {
  set_id: ({ setId }) => setId,
  instance_id: ({ view }) => view.instanceId,
  instance_name: ({ view }) => view.instanceName,
  label: ({ view }) => view.set?.label ?? null,
  created: ({ view }) => view.set?.createdAt ?? null,
  state: ({ view }) => view.set?.state ?? 'not-in-journal',
  consistency: ({ view }) => view.set?.consistency ?? null,
  reason: ({ view }) => view.set?.reason ?? null,
  frozen_ms: ({ view }) => view.set?.frozenMs ?? null,
  thawed_by: ({ view }) => view.set?.thawedBy ?? null,
  members: ({ view }) =>
    view.members.map((m) => ({
      volume_id: m.volumeId,
      array: m.arrayName,
      filesystem_id: m.fsId,
      snapshot: m.snapshotName,
      path: m.path,
      journal: m.journalState,
      on_array: m.onArray,
    })),
  steps: ({ view }) => (view.set?.steps ?? []).map((st) => ({ step: st.name, status: st.status, ms: st.durationMs })),
  operation_id: ({ view }) => view.set?.opId ?? null,
};

type InstanceEntry = Inventory['instances'][number];

/** `ccsnap instances`: the seed's Task 1 Step 1 table. */
export const INSTANCES_VIEW: FieldTable<InstanceEntry> = {
  ID: ({ instance }) => instance.id,
  Name: ({ instance }) => instance.name,
  Status: ({ instance }) => instance.status,
  Domain: ({ instance }) => instance.domain,
  Host: ({ instance }) => instance.host,
  Volumes: ({ volumes }) =>
    volumes.map((v) => ({
      id: v.id,
      type: v.volumeType,
      bootable: v.bootable,
      device: v.device,
      array: v.array?.name ?? null,
      filesystem: v.array?.fsId ?? null,
      ...(v.array ? {} : { reason: v.arrayReason }),
    })),
  'Snapshot Capable': ({ volumes }) => (volumes.length > 0 && volumes.some((v) => v.array) ? (volumes.every((v) => v.array) ? 'yes' : 'partly') : 'no'),
};

type Deletion = DeletePlan['deletions'][number] & { outcome: string; error: string | null };

/** `ccsnap delete`: one row per snapshot deleted (or, with --dry-run, that would be). */
export const DELETE_VIEW: FieldTable<Deletion> = {
  'Set ID': (d) => d.setId,
  'Volume ID': (d) => d.volumeId,
  Snapshot: (d) => d.name,
  Path: (d) => d.path,
  Outcome: (d) => d.outcome,
  Error: (d) => d.error,
};

/** The rows of a delete: the plan's (nothing done) or the result's. */
export function deletionsOf(plan: DeletePlan, result: DeleteResult | undefined, dryRun: boolean): Deletion[] {
  if (!result) return plan.deletions.map((d) => ({ ...d, outcome: dryRun ? 'would delete' : 'nothing to do', error: null }));
  return result.deletions.map((d) => ({ ...d, error: d.error ?? null }));
}

type VolumeRow = { volumeId: string; target: string; state: string; discarded: string[]; error: string | null };

/** `ccsnap rollback`: one row per volume rolled back (or planned). */
export const ROLLBACK_VIEW: FieldTable<VolumeRow> = {
  'Volume ID': (v) => v.volumeId,
  Target: (v) => v.target,
  State: (v) => v.state,
  Discarded: (v) => v.discarded,
  Error: (v) => v.error,
};

export function rollbackVolumesOf(plan: RollbackPlan, result: RollbackResult | undefined): VolumeRow[] {
  if (!result)
    return plan.volumes.map((v) => ({ volumeId: v.volumeId, target: v.target.path, state: 'planned', discarded: v.discard.map((d) => d.path), error: null }));
  return result.volumes.map((v) => ({ volumeId: v.volumeId, target: v.target, state: v.state, discarded: v.discarded, error: v.error ?? null }));
}

/** `ccsnap recover`: one row per interrupted operation. */
export const RECOVER_VIEW: FieldTable<RecoverReport> = {
  Operation: (r) => r.opId,
  Kind: (r) => r.kind,
  Instance: (r) => r.instanceName,
  Started: (r) => r.startedAt,
  Action: (r) => r.action,
  Outcome: (r) => r.outcome,
  Detail: (r) => r.detail,
};
