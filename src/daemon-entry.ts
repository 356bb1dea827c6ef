/**
 * `ccsnap/daemon`: the scheduler's long-running face — HTTP server, Prometheus metrics, status page, and the
 * policy source that feeds them from the runner. A separate entry so `import('ccsnap')` never loads the HTTP
 * layer or prom-client.
 */
export * from './daemon/index.js';
