import type { SandboxPlugin } from '../server.js';

/** Placeholder: the hypervisor emulator registers its routes here. */
export const hypervisorPlugins: SandboxPlugin[] = [];
