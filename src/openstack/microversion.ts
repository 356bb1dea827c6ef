import { canonicalServiceType } from './catalog.js';
import type { CloudConfig } from './config-types.js';

export const DEFAULT_COMPUTE_MICROVERSION = '2.79';
export const DEFAULT_VOLUME_MICROVERSION = '3.60';

/** "2.79" style versions only; a bare major ("2", "3") means "use our default". */
function pick(value: string | undefined, fallback: string): string {
  return value && /^\d+\.\d+$/.test(value.trim()) ? value.trim() : fallback;
}

/** The microversion sent to a service when the caller does not choose one (undefined: none). */
export function defaultMicroversion(serviceType: string, cloud: CloudConfig): string | undefined {
  const type = canonicalServiceType(serviceType);
  if (type === 'compute') return pick(cloud.computeApiVersion, DEFAULT_COMPUTE_MICROVERSION);
  if (type === 'volume') return pick(cloud.volumeApiVersion, DEFAULT_VOLUME_MICROVERSION);
  return undefined;
}

/** Nova: both the legacy and the generic header; Cinder: the generic header. */
export function microversionHeaders(serviceType: string, version: string | undefined): Record<string, string> {
  if (!version) return {};
  const type = canonicalServiceType(serviceType);
  if (type === 'compute') return { 'X-OpenStack-Nova-API-Version': version, 'OpenStack-API-Version': `compute ${version}` };
  if (type === 'volume') return { 'OpenStack-API-Version': `volume ${version}` };
  return { 'OpenStack-API-Version': `${type} ${version}` };
}
