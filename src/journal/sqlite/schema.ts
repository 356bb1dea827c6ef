/** Journal schema. Versioned by `PRAGMA user_version`; migrations are append-only. */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE operations (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,              -- create | rollback | delete
    instance_id   TEXT NOT NULL,
    instance_name TEXT NOT NULL,
    state         TEXT NOT NULL,              -- see OperationState
    host          TEXT,                       -- compute host
    uri           TEXT,                       -- hypervisor URI used
    domain        TEXT,                       -- libvirt domain
    pid           INTEGER NOT NULL,
    hostname      TEXT NOT NULL,              -- machine that ran ccsnap
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    plan_json     TEXT NOT NULL,
    result_json   TEXT,
    error_code    TEXT,
    error_message TEXT
  );
  CREATE INDEX operations_open ON operations(finished_at) WHERE finished_at IS NULL;
  CREATE TABLE steps (
    op_id       TEXT NOT NULL REFERENCES operations(id),
    seq         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL,               -- ok | failed | skipped
    started_at  TEXT NOT NULL,
    duration_ms REAL NOT NULL,
    detail_json TEXT,
    PRIMARY KEY (op_id, seq)
  );
  CREATE TABLE sets (
    id            TEXT PRIMARY KEY,
    instance_id   TEXT NOT NULL,
    instance_name TEXT NOT NULL,
    label         TEXT,
    created_at    TEXT NOT NULL,
    state         TEXT NOT NULL,             -- creating | complete | failed | deleted
    consistency   TEXT,                      -- filesystem-consistent | crash-consistent | offline
    reason        TEXT,
    frozen_ms     REAL,
    op_id         TEXT NOT NULL,
    steps_json    TEXT
  );
  CREATE INDEX sets_instance ON sets(instance_id);
  CREATE TABLE members (
    set_id        TEXT NOT NULL REFERENCES sets(id),
    volume_id     TEXT NOT NULL,
    array_name    TEXT NOT NULL,
    fs_id         TEXT NOT NULL,
    snapshot_name TEXT NOT NULL,
    path          TEXT,
    state         TEXT NOT NULL,             -- pending | created | failed | deleted | delete-failed
    error         TEXT,
    PRIMARY KEY (set_id, volume_id)
  );
  CREATE TABLE locks (
    instance_id TEXT PRIMARY KEY,
    op_id       TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    hostname    TEXT NOT NULL,
    acquired_at TEXT NOT NULL
  );
  `,
  `
  -- The thaw guard (issue 11): a freeze that was sent may land later, whatever its answer. Until the
  -- agent has answered "thawed" after it (thaw_confirmed_at), recover checks the guest again.
  ALTER TABLE operations ADD COLUMN freeze_sent_at TEXT;
  ALTER TABLE operations ADD COLUMN thaw_confirmed_at TEXT;
  ALTER TABLE operations ADD COLUMN thawed_by TEXT;          -- ccsnap | watchdog | recover | guest
  ALTER TABLE sets ADD COLUMN thawed_by TEXT;
  CREATE INDEX operations_thaw_pending ON operations(freeze_sent_at) WHERE freeze_sent_at IS NOT NULL AND thaw_confirmed_at IS NULL;
  `,
  `
  -- Snapshot policies (issue 15): a set made by a policy records the policy and the occurrence it
  -- served (both NULL for a manual set); each occurrence of a policy is recorded once.
  ALTER TABLE sets ADD COLUMN policy TEXT;
  ALTER TABLE sets ADD COLUMN occurrence TEXT;               -- <policy>@<UTC instant>
  CREATE INDEX sets_policy ON sets(policy, occurrence) WHERE policy IS NOT NULL;
  CREATE TABLE occurrences (
    policy       TEXT NOT NULL,
    occurrence   TEXT NOT NULL,                             -- <policy>@<UTC instant>
    scheduled_at TEXT NOT NULL,
    state        TEXT NOT NULL,                             -- due | running | done | missed
    reason       TEXT,
    pid          INTEGER,                                   -- the process that runs it
    hostname     TEXT,
    recorded_at  TEXT NOT NULL,
    started_at   TEXT,
    finished_at  TEXT,
    result_json  TEXT,
    PRIMARY KEY (policy, occurrence)
  );
  CREATE INDEX occurrences_newest ON occurrences(policy, scheduled_at);
  `,
  `
  -- Owners (issue 16): each open journal (process) has an owner id, recorded on what it owns. SQLite keeps
  -- no lease: whether an owner lives is its pid's liveness on this machine (unknown for another machine).
  ALTER TABLE operations ADD COLUMN owner_id TEXT;
  ALTER TABLE locks ADD COLUMN owner_id TEXT;
  ALTER TABLE occurrences ADD COLUMN owner_id TEXT;
  `,
  `
  -- Many workers (issue 16): each instance of an occurrence is served as a job, by any worker; its outcome
  -- is recorded here and the occurrence's owner finishes the occurrence from them.
  CREATE TABLE instance_results (
    policy      TEXT NOT NULL,
    occurrence  TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    result_json TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (policy, occurrence, instance_id)
  );
  `,
  `
  -- A list reads the sets of a batch of volumes (issue 16): the members by volume.
  CREATE INDEX members_volume ON members(volume_id);
  `,
  `
  -- A snapshot gone (delete, rollback, retention) is found by name, an operation's sets by operation, without
  -- a scan of the journal (12 ms per snapshot at 2·10⁵ members, on the event loop of a daemon with windows open).
  CREATE INDEX members_snapshot ON members(snapshot_name);
  CREATE INDEX sets_op ON sets(op_id);
  `,
];
