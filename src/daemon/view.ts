/**
 * What the daemon's HTTP face reads: the `DaemonView`. The server, the JSON API, the status page and the
 * scrape-time metrics know nothing else, so the scheduler plugs in by implementing (or feeding) this.
 * Every method takes an AbortSignal (the request's, bounded by the server) and may be asynchronous.
 * Instants are ISO 8601 strings in UTC; durations are seconds unless the name says otherwise.
 */
export interface DaemonView {
  /** Every configured policy, with the state of each instance it covers, judged at `now`. */
  policies(opts: ViewCall): Promise<PolicyStatus[]>;
  /** Snapshot sets, newest first. */
  sets(query: SetQuery, opts: ViewCall): Promise<SetSummary[]>;
  /** Sets whose guest was frozen, created at or after `since`, oldest first (the status page's chart). */
  freezeWindows(since: string, opts: ViewCall): Promise<FreezeWindow[]>;
  /** Recent failed operations with their error codes, newest first. */
  failures(query: FailureQuery, opts: ViewCall): Promise<FailureSummary[]>;
  /** Guests whose freeze was sent and whose thaw nobody has confirmed yet (frozen, or possibly frozen). */
  guestsFrozen(opts: ViewCall): Promise<number>;
  /**
   * Starts a run of policy `name` now, outside its schedule, without waiting for it. Undefined: no policy
   * of that name. Throws a CcsnapError when the policy exists but cannot run now (the server answers 409).
   */
  triggerPolicy(name: string, opts: ViewCall): Promise<TriggeredRun | undefined>;
}

export interface ViewCall {
  signal: AbortSignal;
  /** The instant every judgement ("late", ages) is made at. */
  now: Date;
}

export interface PolicyStatus {
  name: string;
  /** The cron expression as configured, e.g. "0 * * * *". */
  schedule: string;
  /** IANA zone the schedule is read in, e.g. "Europe/Berlin". */
  timezone: string;
  /** The latest scheduled instant at or before now (null: none yet). */
  previousOccurrence: string | null;
  /** The next scheduled instant after now (null: none, e.g. a schedule with no future match). */
  nextOccurrence: string | null;
  /** The newest occurrence a runner handled (any state), null when none. */
  lastRun: RunSummary | null;
  instances: InstanceStatus[];
}

export interface RunSummary {
  /** The occurrence id, `<policy>@<UTC instant>`. */
  occurrence: string;
  scheduledAt: string;
  state: 'due' | 'running' | 'done' | 'missed';
  finishedAt: string | null;
  /** Why it was missed, or what went wrong (null: nothing to say). */
  reason: string | null;
}

export interface InstanceStatus {
  instanceId: string;
  instanceName: string;
  /** The newest complete set that counts for this policy (null: none; see JournalViewOptions.attribution). */
  newestGoodSet: { setId: string; createdAt: string; consistency: string | null } | null;
  /** now − newestGoodSet.createdAt, in seconds (null: no good set). */
  ageSeconds: number | null;
  /** True when the last occurrence that should have produced a set has not (see `judgeLateness`). */
  late: boolean;
  /** Failures of this instance newer than its newest good set, newest first. */
  recentFailures: FailureSummary[];
}

export interface SetQuery {
  /** An instance id or name. */
  instance?: string;
  policy?: string;
  limit: number;
}

export interface SetSummary {
  setId: string;
  instanceId: string;
  instanceName: string;
  label: string | null;
  createdAt: string;
  state: string;
  consistency: string | null;
  frozenMs: number | null;
  thawedBy: string | null;
  /** The policy that made the set (null: manual, or a journal that does not record it). */
  policy: string | null;
  members: number;
  reason: string | null;
}

export interface FreezeWindow {
  /** When the set was created (the freeze was a moment later). */
  at: string;
  setId: string;
  instanceId: string;
  instanceName: string;
  frozenMs: number;
  thawedBy: string | null;
}

export interface FailureQuery {
  instanceId?: string;
  /** Only failures that started at or after this instant. */
  since?: string;
  limit: number;
}

export interface FailureSummary {
  at: string;
  operationId: string;
  kind: string;
  instanceId: string;
  instanceName: string;
  /** A code of the error catalogue (null when the journal recorded none). */
  errorCode: string | null;
  message: string | null;
}

export interface TriggeredRun {
  /** Identifies this run (an occurrence id or a run id), for the API's 202 answer. */
  runId: string;
  policy: string;
}
