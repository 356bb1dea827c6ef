import { installMetrics } from '../metrics/port.js';
import { createDaemonMetrics, type DaemonMetrics } from './metrics.js';
import { startDaemonServer, type DaemonServer, type DaemonServerOptions } from './server.js';

export interface DaemonHttpOptions extends Omit<DaemonServerOptions, 'metrics'> {
  /** Node's process metrics on /metrics (default true). */
  processMetrics?: boolean;
  /** See DaemonMetricsOptions.viewBudgetMs. */
  viewBudgetMs?: number;
}

export interface RunningDaemonHttp {
  server: DaemonServer;
  metrics: DaemonMetrics;
  /** Closes the server gracefully (see DaemonServer.close), then stops reporting into its metrics. */
  close(opts?: { signal?: AbortSignal }): Promise<void>;
}

/**
 * The daemon's HTTP face in one call: a Prometheus registry over `view`, installed as the process's
 * metrics port (so every create and array call of this process is counted), and the server. Nothing is
 * installed when the server cannot start (bad address, token file, port in use).
 */
export async function startDaemonHttp(opts: DaemonHttpOptions): Promise<RunningDaemonHttp> {
  const metrics = createDaemonMetrics({
    view: opts.view,
    version: opts.version,
    ...(opts.processMetrics !== undefined ? { processMetrics: opts.processMetrics } : {}),
    ...(opts.viewBudgetMs !== undefined ? { viewBudgetMs: opts.viewBudgetMs } : {}),
  });
  const server = await startDaemonServer({ ...opts, metrics });
  const uninstall = installMetrics(metrics.port);
  return {
    server,
    metrics,
    async close(o) {
      try {
        await server.close(o);
      } finally {
        uninstall();
      }
    },
  };
}
