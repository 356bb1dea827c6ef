import type { TestProject } from 'vitest/node';
import { startPgCluster, type PgClusterInfo } from '../helpers/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The suite's PostgreSQL cluster (test/helpers/postgres.ts): each test file makes its own databases in it. */
    pg: PgClusterInfo;
  }
}

/**
 * Global setup of the PostgreSQL suite: one throwaway cluster for the whole run, given to the tests with
 * `inject('pg')`, stopped and removed at the end. Runs before test/global-tmp.ts makes the run's private
 * TMPDIR, so the cluster's dir is under the usual temp dir, where the postgres user can reach it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPgCluster();
  const { socketDir, port, user, password } = cluster;
  project.provide('pg', { socketDir, port, user, password });
  return () => cluster.stop();
}
