/** Public types of the ElastiCenter client. */

export interface ElastiCenterClientOptions {
  /** e.g. "https://20.10.43.1/client/api". */
  url: string;
  /** Never logged, never put in a message or an error detail. */
  apiKey: string;
  /** Path to a PEM file (or PEM text) with the CA that signed the array's certificate. */
  cacert?: string;
  /** Skip TLS verification (explicit opt-in; the config loader warns about it). */
  insecure?: boolean;
  /** Per-request deadline; default 30 s. */
  timeoutMs?: number;
  /** Array name used in messages and error details; default the URL's host. */
  name?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** One `listFileSystem` item. `name` is the Cinder volume id without hyphens. */
export interface FileSystem {
  id: string;
  name: string;
  path?: string;
  tsmId?: string;
  tsmName?: string;
  accountId?: string;
  accountName?: string;
  status?: string;
  type?: string;
  quota?: string;
  ipaddress?: string;
  iqnname?: string;
  groupId?: string;
}

/** One `listStorageSnapshots` item. Identity is `path` (items carry no id). */
export interface ArraySnapshot {
  name: string;
  path: string;
  clones: number;
  /** Preformatted by the array, e.g. "Thu Aug 25 2016 10:55". */
  timestamp: string;
  fsId: string;
  usedMem?: string;
  refer?: string;
  type?: string;
}

/** The result of `createStorageSnapshot`. */
export interface CreatedSnapshot {
  fsId: string;
  name: string;
  /** Snapshot id from the create answer (not usable later); null when reconciled by listing. */
  id: string | null;
  /** Known only when reconciled by listing; otherwise look it up with `findSnapshot`. */
  path: string | null;
  /** True when the create answer was lost (timeout/reset) and the snapshot was found by listing. */
  reconciled: boolean;
}

export interface Tsm {
  id: string;
  name: string;
  datasetId?: string;
  accountId?: string;
  accountName?: string;
  ipaddress?: string;
}

export interface Account {
  id: string;
  name: string;
}

export interface AsyncJobResult {
  jobId: string;
  /** 0 pending, 1 succeeded, 2 failed. */
  jobStatus: number;
  state: 'pending' | 'succeeded' | 'failed';
  cmd?: string;
  msg?: string;
  resultCode?: number;
  result: Record<string, unknown>;
  error?: { code: number | undefined; text: string | undefined };
}

export interface ElastiCenterClient {
  readonly name: string;
  listFileSystems(opts?: CallOptions & { id?: string; tsmId?: string }): Promise<FileSystem[]>;
  createStorageSnapshot(opts: CallOptions & { fsId: string; name: string }): Promise<CreatedSnapshot>;
  listStorageSnapshots(opts: CallOptions & { fsId: string }): Promise<ArraySnapshot[]>;
  /** Lists the filesystem's snapshots and returns the one called `name`, if any. */
  findSnapshot(opts: CallOptions & { fsId: string; name: string }): Promise<ArraySnapshot | undefined>;
  deleteSnapshot(opts: CallOptions & { fsId: string; path: string }): Promise<{ outcome: 'deleted' | 'already-absent' }>;
  rollbackToSnapshot(opts: CallOptions & { fsId: string; path: string }): Promise<void>;
  queryAsyncJobResult(opts: CallOptions & { jobId: string }): Promise<AsyncJobResult>;
  listTsm(opts?: CallOptions & { accountId?: string }): Promise<Tsm[]>;
  listAccount(opts?: CallOptions): Promise<Account[]>;
  /**
   * Sends any command once (no retries) and returns the object under its response key. For commands this
   * client has no method for; `command` must be in RESPONSE_KEYS unless an error answer is expected.
   */
  callCommand(command: string, params: Record<string, string>, opts?: CallOptions): Promise<Record<string, unknown>>;
  /** Closes the HTTP connection pool. */
  close(): Promise<void>;
}
