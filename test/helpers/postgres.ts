/**
 * A throwaway PostgreSQL cluster of Debian's postgresql for the pg suite: initdb into a temp dir, started with
 * pg_ctl on a Unix socket in that dir and on 127.0.0.1 at a free port, stopped and removed by `stop()`. The
 * logic is plain JS in scripts/pg-suite/cluster.mjs (typed by cluster.d.mts), shared with the bench
 * (bench/suites/workers.mjs); this re-exports it for the tests.
 */
export { findPgBin, socketUrl, startPgCluster, tcpUrl } from '../../scripts/pg-suite/cluster.mjs';
export type { PgCluster, PgClusterInfo } from '../../scripts/pg-suite/cluster.mjs';
