/**
 * `ccsnap/sandbox`: the built-in sandbox cloud (the emulator of Keystone, Nova, Cinder, ElastiCenter and
 * libvirt in src/sandbox/) and the glue that points ccsnap at it (src/sandbox-link/). A separate entry:
 * `import('ccsnap')` and the CLI's real-cloud commands never load it.
 *
 *   import { startSandboxRuntime } from 'ccsnap/sandbox';
 *   const { rt, close } = await startSandboxRuntime();
 *   const [outcome] = await createSnapshots(rt, { instances: ['web-1'] });
 */
export * from './sandbox/index.js';
export { buildScaledState, addScaledServers, hostIndex, type ScaleSpec } from './sandbox/scale.js';
export { loadState, saveState } from './sandbox/store.js';
export {
  sandboxVirshPath,
  sandboxUriTemplate,
  fetchSandboxDomain,
  readDomainEvents,
  frozenWindows,
  patchSandboxDomain,
  type SandboxDomainView,
  type DomainPatch,
} from './sandbox/hypervisor/index.js';
export type { DemoServerSpec } from './sandbox/seed.js';
export type { TranscriptEntry } from './sandbox/transcript.js';
export {
  SANDBOX_CLOUD_NAME,
  SANDBOX_REGION,
  SANDBOX_API_KEY_ENV,
  sandboxCloudEntry,
  sandboxCloud,
  sandboxCcsnapConfig,
  sandboxEnv,
  sandboxHypervisorConfig,
} from './sandbox-link/cloud.js';
export { composeSandboxRuntime, type SandboxRuntimeOptions } from './sandbox-link/runtime.js';
export { startSandboxRuntime, type StartSandboxRuntimeOptions, type SandboxRuntime, type SandboxRollbackPolicy } from './sandbox-link/start.js';
