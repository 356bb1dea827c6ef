import { error, warning } from './types.js';

/** create, rollback, delete and recover: the engine, the thaw watchdog and the journal. */
export const OPERATION_CODES = {
  CCSNAP_LOCKED: error(
    'Another operation (live, or of a dead ccsnap process) holds the instance.',
    'Wait for it to finish; if its process is dead, run `ccsnap recover`.',
  ),
  CCSNAP_INSTANCE_STATE: error(
    'The instance is in a state the command cannot work on (create: ACTIVE or SHUTOFF; rollback: ACTIVE or SHUTOFF).',
    'Wait until the instance is ACTIVE or SHUTOFF.',
  ),
  CCSNAP_NO_ARRAY_VOLUMES: error(
    'The instance has no (boot) volume on a snapshot-capable array.',
    "Check the arrays' volume_rule against the instance's volume types.",
  ),
  CCSNAP_SET_OTHER_INSTANCE: error(
    'The snapshot set named belongs to another instance than the one named; nothing was changed.',
    'Name the instance the set belongs to (see `ccsnap show SET`).',
  ),
  CCSNAP_SET_NOT_FOUND: error(
    'No snapshot set (or snapshot) of that id or label, or none of its snapshots are left.',
    'List the sets with `ccsnap list <instance>`.',
  ),
  CCSNAP_FREEZE_FAILED: error(
    'The guest could not be frozen (freeze required); nothing was snapshotted.',
    'Fix the cause in the message (often the guest agent), or use --freeze best-effort.',
  ),
  CCSNAP_FREEZE_WINDOW_EXCEEDED: error(
    'The freeze or the array did not answer within the freeze window; the guest was thawed and the set discarded.',
    'Check the array and the guest agent; raise the freeze window (--max-freeze) if they are merely slow.',
  ),
  CCSNAP_THAW_UNCONFIRMED: error(
    'The guest agent has not confirmed the thaw yet; the watchdog keeps thawing and checking.',
    'Check the guest and its agent; `virsh domfsinfo` / the watchdog log show the state.',
  ),
  CCSNAP_CREATE_FAILED: error('A set failed without a more specific error code.', 'Read the Reason column of the set; run with --debug.'),
  CCSNAP_WATCHDOG: error(
    'The thaw watchdog process is gone or did not answer; ccsnap refuses to freeze without it.',
    'Run again; check the watchdog log if it persists.',
  ),
  CCSNAP_WATCHDOG_START: error(
    'The thaw watchdog process could not start; nothing was frozen.',
    'Run again with --debug; check that node can spawn a child process.',
  ),
  CCSNAP_NEWER_SNAPSHOTS: error(
    'A rollback would destroy snapshots newer than its target (refused by ccsnap or by the array); details.newer lists them.',
    'Delete the newer snapshots, or accept their loss with --discard-newer.',
  ),
  CCSNAP_SNAPSHOT_MISSING: error('A snapshot of the set is no longer on the array.', 'Check with `ccsnap list`; roll back to another set.'),
  CCSNAP_ROLLBACK_PLAN_STALE: error(
    'Snapshots appeared on a volume after the rollback was planned; it stopped before destroying them.',
    'Run the rollback again (it plans again).',
  ),
  CCSNAP_ROLLBACK_PARTIAL_SET: error('The set does not cover every array volume of the instance.', 'Add --partial to roll back only the covered volumes.'),
  CCSNAP_ROLLBACK_VOLUME_DETACHED: error(
    'Volumes of the set are no longer attached to the instance.',
    'Attach the volumes again, or roll back to another set.',
  ),
  CCSNAP_ROLLBACK_VOLUME_SHARED: error(
    'A volume of the set is attached to another instance as well (multi-attach); rolling it back would change its disk under that instance. Nothing was changed.',
    'Detach the volume from the other instances (details.shared names them), then roll back again.',
  ),
  CCSNAP_ROLLBACK_INCOMPLETE: error('A rollback stopped after changing some volumes; the instance is left stopped.', 'Run `ccsnap recover` to finish it.'),
  CCSNAP_DOMAIN_STILL_RUNNING: error(
    'Nova reports the instance SHUTOFF but libvirt still runs the domain; nothing was rolled back.',
    'Wait until the domain has stopped, then roll back again.',
  ),
  CCSNAP_SAFETY_SET_FAILED: error(
    'The safety set taken before a rollback failed; nothing was rolled back.',
    'Fix the cause in the message, or roll back without it (--no-safety).',
  ),
  CCSNAP_RECOVER_STILL_RUNNING: warning(
    'recover left an unfinished operation alone: its ccsnap process is still running.',
    'Nothing to do; run recover again once that process has ended, if it leaves anything.',
  ),
  CCSNAP_RECOVER_ORPHANED_LOCK: warning(
    'recover released an instance lock that a dead ccsnap had taken before it journaled any operation (nothing was frozen or snapshotted).',
    'Nothing to fix: the instance can be snapshotted again.',
  ),
  CCSNAP_RECOVER_OTHER_HOST: warning(
    'recover left an operation alone: it was started on another machine (only that machine can tell whether its process is alive).',
    'Run `ccsnap recover` on that machine.',
  ),
  CCSNAP_DELETE_INCOMPLETE: error('Some snapshots could not be deleted (the others were).', 'Read each failed row; run the delete again.'),
  CCSNAP_JOURNAL_OPEN: error(
    'The journal cannot be opened: a SQLite file (path, permissions) or a PostgreSQL journal (server unreachable, login refused, database missing, schema not creatable).',
    'Check the path and its permissions, or the PostgreSQL URL, server and role (--journal, $CCSNAP_JOURNAL, PGPASSWORD or ~/.pgpass).',
  ),
  CCSNAP_JOURNAL_UNAVAILABLE: error(
    'The PostgreSQL journal became unreachable during a call (server down or restarted, connection lost).',
    'Check the server and the network; run the command again (run `ccsnap recover` if an operation was left unfinished).',
  ),
  CCSNAP_JOURNAL_LEASE_LOST: error(
    "This process's lease on the PostgreSQL journal ran out (it was stopped, stalled or cut off from the server for longer than the lease): another worker may have taken over its operations, so it writes nothing more.",
    'Restart the process (a daemon: let its supervisor restart it); the workers that took over finish or clean up what it left.',
  ),
  CCSNAP_JOURNAL_VERSION: error('The journal was written by a newer ccsnap (its schema is newer).', 'Use that newer ccsnap, or another journal.'),
  CCSNAP_JOURNAL_DIR: error("The journal's directory does not exist.", "Create it, or fix --journal / the config's journal:."),
} as const;
