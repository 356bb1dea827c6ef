import type { SandboxPlugin } from './context.js';
import { startSandbox as startWith, type RunningSandbox, type SandboxOptions } from './server.js';
import { openstackPlugins } from './openstack/plugin.js';
import { arrayPlugins } from './array/plugin.js';
import { hypervisorPlugins } from './hypervisor/plugin.js';

export function defaultPlugins(): SandboxPlugin[] {
  return [...openstackPlugins, ...arrayPlugins, ...hypervisorPlugins];
}

/** Starts the full sandbox (Keystone, Nova, Cinder, Glance, Neutron stub, ElastiCenter, hypervisor) on loopback. */
export function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  return startWith(options, defaultPlugins());
}

export type { RunningSandbox, SandboxOptions } from './server.js';
export type { SandboxContext, SandboxPlugin } from './context.js';
export type { FaultRule } from './fault-rule.js';
export { SandboxError, type SandboxErrorCode } from './errors.js';
export type * from './state.js';
export { seedDemoState, addServer, DEMO_SERVERS, SANDBOX_API_KEY, SANDBOX_PASSWORD, SANDBOX_USER, SANDBOX_PROJECT } from './seed.js';
export { emptyState } from './state.js';
export { addSameNameFilesystem } from './array/filesystems.js';
