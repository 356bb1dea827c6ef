// Types of cluster.mjs (a plain-JS module, so that the bench can use it too).

/** What a client needs to reach the cluster. */
export interface PgClusterInfo {
  /** The Unix socket's directory (for `?host=`). */
  socketDir: string;
  port: number;
  user: string;
  /** The superuser's password: TCP connections need it. */
  password: string;
}

export interface PgCluster extends PgClusterInfo {
  /** The cluster's data directory. */
  dataDir: string;
  /** The postmaster's pid (its postmaster.pid), or null when it is not running. */
  serverPid(): number | null;
  /** Stops the server and removes its files. */
  stop(): Promise<void>;
}

/** The newest installed server's bin directory (where initdb and pg_ctl are), or undefined. */
export function findPgBin(): string | undefined;

/** URL of `database` over the cluster's Unix socket (trust: no password). */
export function socketUrl(pg: PgClusterInfo, database?: string): string;

/** URL of `database` over TCP on 127.0.0.1 (scram: the password is needed, in the URL or from elsewhere). */
export function tcpUrl(pg: PgClusterInfo, database?: string, withPassword?: boolean): string;

/** Initialises and starts a throwaway cluster (a few seconds); `stop()` stops it and removes its files. */
export function startPgCluster(opts?: { parent?: string; signal?: AbortSignal }): Promise<PgCluster>;
