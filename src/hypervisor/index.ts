export type {
  Hypervisor,
  HypervisorConfig,
  HypervisorLease,
  HypervisorPool,
  GuestFilesystem,
  FreezeOptions,
  CallOptions,
  VirshResult,
  VirshRunner,
} from './types.js';
export { createHypervisorPool } from './pool.js';
export { parseHypervisorConfig, DEFAULT_HYPERVISOR_CONFIG } from './config.js';
export { uriForHost, redactUri, DEFAULT_URI_TEMPLATE } from './uri.js';
export { createVirshHypervisor } from './virsh-driver.js';
export { createSessionRunner, VirshSession } from './virsh-session.js';
export { createOneshotRunner } from './virsh-oneshot.js';
export { quoteVirshArg, formatVirshLine, parseVirshLine } from './virsh-quote.js';
export {
  mapVirshFailure,
  freezeMayHaveTakenEffect,
  HV_AGENT_NOT_CONNECTED,
  HV_AGENT_NOT_CONFIGURED,
  HV_DOMAIN_NOT_RUNNING,
  HV_DOMAIN_NOT_FOUND,
  HV_ALREADY_FROZEN,
  HV_AGENT_TIMEOUT,
  HV_TIMEOUT,
  HV_CONNECTION,
  HV_COMMAND,
} from './errors.js';
export { measureThawLatency, type ThawLatencyReport } from './measure.js';
