/**
 * ccsnap library entry point. The library never imports the CLI, and never loads the sandbox (its own
 * entry, `ccsnap/sandbox`, is src/sandbox-entry.ts).
 *
 *   const rt = await composeRuntime({ cloud: 'production' });   // clouds.yaml + ccsnap config, as the CLI
 *   try {
 *     const [outcome] = await createSnapshots(rt, { instances: ['web-1'], label: 'nightly' });
 *   } finally {
 *     await rt.close();
 *   }
 */
export * from './core.js';
export { sleep } from './util/abort.js';
export { startDeadline, withDeadline, deadlineAt, isDeadlineReason, type Deadline } from './util/deadline.js';
export { isProcessAlive } from './util/process-alive.js';
export { ensurePrivateDir, ensurePrivateFile } from './util/private-files.js';
export { composeRuntime, type ComposeOptions } from './compose.js';
export { Runtime, type RuntimeOptions } from './runtime.js';
export { loadSettings, findConfigFile, type CcsnapSettings } from './config.js';
export { createSnapshots, type CreateRequest, type CreateOutcome } from './ops/create.js';
export { listSnapshots, streamSnapshots, type ListRequest } from './ops/list.js';
export type { ListedSnapshot } from './ops/snapshots.js';
export { showSet, type SetView } from './ops/show.js';
export { rollbackInstance, type RollbackRequest } from './ops/rollback.js';
export { deleteSnapshots, type DeleteRequest } from './ops/delete.js';
export { recoverOperations, type RecoverReport } from './ops/recover.js';
export { gatherInventory, type Inventory } from './ops/inventory.js';
export { planCreate, type CreatePlan, type FreezePolicy } from './engine/plan-create.js';
export type { CreateResult } from './engine/apply-create.js';
export type { DeleteResult } from './engine/apply-delete.js';
export type { RollbackResult } from './engine/apply-rollback.js';
export type { CloudOverrides } from './openstack/config-types.js';
export { planRollback, type RollbackPlan } from './engine/plan-rollback.js';
export { planDelete, type DeletePlan } from './engine/plan-delete.js';
export { formatSnapshotName, parseSnapshotName } from './engine/names.js';
export { listPolicies, showPolicy, findPolicy } from './ops/policy.js';
export type { Policy } from './policy/types.js';
export type { PolicyDetail, PolicySummary } from './policy/view.js';
export {
  runDue,
  runPolicy,
  startPolicyRun,
  startPolicyWorker,
  nothingHappened,
  policySchedules,
  policyInstances,
  createRequestOf,
  type RunDueOptions,
  type RunOptions,
  type RunLog,
  type PolicyScheduleStatus,
} from './ops/policy-run/index.js';
export type {
  RunReport,
  PolicyRun,
  OccurrenceRun,
  OccurrenceHow,
  OccurrenceRunState,
  InstanceRunResult,
  InstanceOutcome,
  MissedRecord,
  RetentionRun,
  RetentionRunDecision,
  NotificationReport,
} from './policy/run-types.js';
export { systemClock, type RunClock } from './util/clock.js';
export { deliverWebhook, type DeliveryOptions, type DeliveryResult } from './notify/webhook.js';
export type { WebhookPayload, WebhookInstance } from './notify/payload.js';
export * as openstack from './openstack/index.js';
export * as array from './array/index.js';
export * as hypervisor from './hypervisor/index.js';
