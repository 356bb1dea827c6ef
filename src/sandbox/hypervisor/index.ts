export { hypervisorPlugins, type DomainPatch } from './plugin.js';
export {
  sandboxVirshPath,
  sandboxUriTemplate,
  sandboxHypervisorConfig,
  fetchSandboxDomain,
  readDomainEvents,
  frozenWindows,
  patchSandboxDomain,
  type SandboxDomainView,
} from './helpers.js';
