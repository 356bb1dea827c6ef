/**
 * The PostgreSQL journal's schema, in its own PG schema `ccsnap`. Migrations are append-only; each runs once,
 * in the transaction that records it in ccsnap.migrations, under an advisory lock (open.ts), so N workers
 * starting at once migrate once. The tables mirror the SQLite backend's (sqlite/schema.ts): caller-given
 * instants (a set's created_at, an occurrence's scheduled_at, a step's started_at) stay text exactly as given;
 * a record's own instants are stamped with the ccsnap machine's clock, as SQLite's are (they compare with the
 * instants the engine writes itself); only leases and slots run on the server's clock, now(), which every
 * worker shares. `seq` columns keep insertion order (SQLite's rowid).
 */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE ccsnap.owners (
    id          uuid PRIMARY KEY,                 -- one per open journal (process)
    hostname    text NOT NULL,
    pid         integer NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    lease_until timestamptz NOT NULL               -- alive while lease_until > now(); renewed by its heartbeat
  );
  CREATE TABLE ccsnap.operations (
    id                text PRIMARY KEY,
    seq               bigserial NOT NULL,
    kind              text NOT NULL,               -- create | rollback | delete
    instance_id       text NOT NULL,
    instance_name     text NOT NULL,
    state             text NOT NULL,               -- see OperationState
    host              text,                        -- compute host
    uri               text,
    domain            text,
    pid               integer NOT NULL,
    hostname          text NOT NULL,               -- machine that ran ccsnap
    owner_id          uuid,
    started_at        timestamptz NOT NULL,
    finished_at       timestamptz,
    plan_json         text NOT NULL,
    result_json       text,
    error_code        text,
    error_message     text,
    freeze_sent_at    timestamptz,
    thaw_confirmed_at timestamptz,
    thawed_by         text                         -- ccsnap | watchdog | recover | guest
  );
  CREATE INDEX operations_open ON ccsnap.operations (started_at) WHERE finished_at IS NULL;
  CREATE INDEX operations_thaw_pending ON ccsnap.operations (started_at) WHERE freeze_sent_at IS NOT NULL AND thaw_confirmed_at IS NULL;
  CREATE INDEX operations_newest ON ccsnap.operations (started_at DESC, seq DESC);
  CREATE INDEX operations_instance ON ccsnap.operations (instance_id);
  CREATE TABLE ccsnap.steps (
    seq         bigserial PRIMARY KEY,
    op_id       text NOT NULL REFERENCES ccsnap.operations (id),
    name        text NOT NULL,
    status      text NOT NULL,                     -- ok | failed | skipped
    started_at  text NOT NULL,
    duration_ms double precision NOT NULL,
    detail_json text
  );
  CREATE INDEX steps_op ON ccsnap.steps (op_id, seq);
  CREATE TABLE ccsnap.sets (
    id            text PRIMARY KEY,
    instance_id   text NOT NULL,
    instance_name text NOT NULL,
    label         text,
    created_at    text NOT NULL,
    state         text NOT NULL,                   -- creating | complete | failed | deleted
    consistency   text,
    reason        text,
    frozen_ms     double precision,
    thawed_by     text,
    op_id         text NOT NULL,
    steps_json    text,
    policy        text,
    occurrence    text                             -- <policy>@<UTC instant>
  );
  CREATE INDEX sets_instance ON ccsnap.sets (instance_id);
  CREATE INDEX sets_op ON ccsnap.sets (op_id);
  CREATE INDEX sets_policy ON ccsnap.sets (policy, occurrence) WHERE policy IS NOT NULL;
  CREATE TABLE ccsnap.members (
    set_id        text NOT NULL REFERENCES ccsnap.sets (id),
    volume_id     text NOT NULL,
    seq           bigserial NOT NULL,
    array_name    text NOT NULL,
    fs_id         text NOT NULL,
    snapshot_name text NOT NULL,
    path          text,
    state         text NOT NULL,                   -- pending | created | failed | deleted | delete-failed
    error         text,
    PRIMARY KEY (set_id, volume_id)
  );
  CREATE INDEX members_snapshot ON ccsnap.members (snapshot_name);
  CREATE TABLE ccsnap.locks (
    instance_id text PRIMARY KEY,
    op_id       text NOT NULL,
    pid         integer NOT NULL,
    hostname    text NOT NULL,
    owner_id    uuid,
    acquired_at timestamptz NOT NULL
  );
  CREATE INDEX locks_op ON ccsnap.locks (op_id);
  CREATE TABLE ccsnap.occurrences (
    policy       text NOT NULL,
    occurrence   text NOT NULL,
    scheduled_at text NOT NULL,
    state        text NOT NULL,                    -- due | running | done | missed
    reason       text,
    pid          integer,
    hostname     text,
    owner_id     uuid,
    recorded_at  timestamptz NOT NULL,
    started_at   timestamptz,
    finished_at  timestamptz,
    result_json  text,
    PRIMARY KEY (policy, occurrence)
  );
  CREATE INDEX occurrences_newest ON ccsnap.occurrences (policy, scheduled_at);
  CREATE TABLE ccsnap.slots (
    scope      text NOT NULL,                      -- what is limited, e.g. host:<compute host>
    holder     text NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (scope, holder)
  );
  `,
  `
  -- Many workers: each instance of an occurrence is served as a job by any worker; its outcome is recorded
  -- here and the occurrence's owner finishes the occurrence from them.
  CREATE TABLE ccsnap.instance_results (
    policy      text NOT NULL,
    occurrence  text NOT NULL,
    instance_id text NOT NULL,
    result_json text NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (policy, occurrence, instance_id)
  );
  `,
  `
  -- A list reads the sets of a batch of volumes: the members by volume.
  CREATE INDEX members_volume ON ccsnap.members (volume_id);
  `,
];
