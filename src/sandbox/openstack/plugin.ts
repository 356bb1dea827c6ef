import type { SandboxPlugin } from '../server.js';

/** Placeholder: the openstack emulator registers its routes here. */
export const openstackPlugins: SandboxPlugin[] = [];
