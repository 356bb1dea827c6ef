import { startSandbox as startWith, type RunningSandbox, type SandboxOptions, type SandboxPlugin } from './server.js';
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

export type { RunningSandbox, SandboxOptions, SandboxPlugin, SandboxContext } from './server.js';
export type { FaultRule } from './faults.js';
export type * from './state.js';
export { seedDemoState, addServer, DEMO_SERVERS, SANDBOX_API_KEY, SANDBOX_PASSWORD, SANDBOX_USER, SANDBOX_PROJECT } from './seed.js';
export { emptyState } from './state.js';
export { addSameNameFilesystem } from './array/filesystems.js';
