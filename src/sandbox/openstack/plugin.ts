import type { SandboxPlugin } from '../context.js';
import { keystonePlugin } from './keystone.js';
import { novaPlugin } from './nova.js';
import { cinderPlugin } from './cinder.js';
import { glancePlugin } from './glance.js';
import { neutronPlugin } from './neutron.js';

/** The OpenStack emulator: one plugin per service, so the transcript names the service. */
export const openstackPlugins: SandboxPlugin[] = [keystonePlugin, novaPlugin, cinderPlugin, glancePlugin, neutronPlugin];

export { DEFAULT_POWER_DELAY_MS } from './nova-power.js';
