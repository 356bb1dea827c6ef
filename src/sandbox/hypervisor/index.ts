export { hypervisorPlugins, type DomainPatch } from './plugin.js';
export {
  sandboxVirshPath,
  sandboxUriTemplate,
  fetchSandboxDomain,
  readDomainEvents,
  frozenWindows,
  patchSandboxDomain,
  type SandboxDomainView,
} from './helpers.js';
