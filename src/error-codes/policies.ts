import { warning } from './types.js';

/** Snapshot policies at run time: run-due, policy run, notifications. */
export const POLICY_CODES = {
  CCSNAP_NOTIFY_FAILED: warning(
    "A policy's webhook notification could not be delivered (after its retries); the run itself is not affected.",
    "Check the receiver (the message says which host and what it answered); the run's results are in the journal (`ccsnap policy show`).",
  ),
} as const;
