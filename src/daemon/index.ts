/** The daemon's HTTP face: view interface, journal-backed view, Prometheus metrics, server, status page. */
export type {
  DaemonView,
  FailureQuery,
  FailureSummary,
  FreezeWindow,
  InstanceStatus,
  PolicyStatus,
  RunSummary,
  SetQuery,
  SetSummary,
  TriggeredRun,
  ViewCall,
} from './view.js';
export { NO_POLICIES, type PolicyDescriptor, type PolicySource } from './policy-source.js';
export { createJournalView, type JournalViewOptions } from './journal-view.js';
export { judgeLateness, ageSeconds } from './lateness.js';
export { createDaemonMetrics, FREEZE_BUCKETS, ARRAY_CALL_BUCKETS, type DaemonMetrics, type DaemonMetricsOptions } from './metrics.js';
export { startDaemonServer, REQUEST_TIMEOUT_MS, type DaemonServer, type DaemonServerOptions } from './server.js';
export { DEFAULT_LISTEN, parseListen, isLoopback, type ListenAddress } from './listen.js';
export { readTokenFile, isAuthorized, MIN_TOKEN_LENGTH } from './auth.js';
export { renderStatusPage, type StatusPageData } from './page/render.js';
export { startDaemonHttp, type DaemonHttpOptions, type RunningDaemonHttp } from './start.js';
export { createRunnerSource, type RunnerSource, type RunnerSourceOptions } from './runner-source.js';
export { runScheduler, nextPassInMs, type SchedulerOptions } from './scheduler.js';
