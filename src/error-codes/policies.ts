import { error, warning } from './types.js';

/** Snapshot policies at run time: run-due, policy run, notifications. */
export const POLICY_CODES = {
  CCSNAP_OCCURRENCE_SERVED: error(
    'The instance already has a complete set for this policy occurrence (another worker, or an earlier run, made it); nothing was created.',
    'Nothing to do: the set is listed by `ccsnap list` with the policy and the occurrence.',
  ),
  CCSNAP_FLEET_QUEUE: error(
    'The job queue of the workers (pg-boss, in the PostgreSQL journal) failed.',
    'Check that the PostgreSQL server of the journal is reachable; the message says what pg-boss answered.',
  ),
  CCSNAP_FLEET_UNSERVED: error(
    "No worker served this instance's job before the occurrence's window closed (every worker busy, stopped or dead).",
    'Start more workers (`ccsnap daemon` against the same journal), or give the policy a wider window; the next occurrence tries again.',
  ),
  CCSNAP_FLEET_RETRY: error(
    "The instance was busy when a worker served its job; the job goes back to the queue and is tried again (by any worker) within the occurrence's window.",
    'Nothing to do; if it stays busy until the window closes, the instance is recorded missed.',
  ),
  CCSNAP_NOTIFY_FAILED: warning(
    "A policy's webhook notification could not be delivered (after its retries); the run itself is not affected.",
    "Check the receiver (the message says which host and what it answered); the run's results are in the journal (`ccsnap policy show`).",
  ),
} as const;
