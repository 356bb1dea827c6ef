import type { SandboxRequest } from '../router.js';
import { headerOf } from './http.js';

/** A microversion as [major, minor]; compare with `atLeast`. */
export interface Microversion {
  major: number;
  minor: number;
  text: string;
}

export interface VersionRange {
  /** "compute" or "volume": the service type in `OpenStack-API-Version`. */
  serviceType: string;
  min: string;
  max: string;
  /** Legacy header name, e.g. X-OpenStack-Nova-API-Version. */
  legacyHeader?: string;
}

export const COMPUTE_VERSIONS: VersionRange = { serviceType: 'compute', min: '2.1', max: '2.93', legacyHeader: 'X-OpenStack-Nova-API-Version' };
export const VOLUME_VERSIONS: VersionRange = { serviceType: 'volume', min: '3.0', max: '3.70' };

function parse(text: string): Microversion | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), text: `${Number(m[1])}.${Number(m[2])}` } : undefined;
}

function compare(a: Microversion, b: Microversion): number {
  return a.major - b.major || a.minor - b.minor;
}

export function atLeast(v: Microversion, text: string): boolean {
  return compare(v, parse(text)!) >= 0;
}

/** The version the client asked for (default: the minimum), or an error message when it is out of range. */
export function negotiate(req: SandboxRequest, range: VersionRange): { version: Microversion } | { error: string } {
  const requested = requestedVersion(req, range);
  const min = parse(range.min)!;
  const max = parse(range.max)!;
  if (requested === undefined) return { version: min };
  if (requested.toLowerCase() === 'latest') return { version: max };
  const v = parse(requested);
  if (!v) return { error: `Invalid API version request: ${requested}` };
  if (compare(v, min) < 0 || compare(v, max) > 0) {
    return { error: `Version ${v.text} is not supported by the API. Minimum is ${range.min} and maximum is ${range.max}.` };
  }
  return { version: v };
}

function requestedVersion(req: SandboxRequest, range: VersionRange): string | undefined {
  const modern = headerOf(req, 'openstack-api-version');
  if (modern) {
    for (const part of modern.split(',')) {
      const [type, value] = part.trim().split(/\s+/);
      if (type?.toLowerCase() === range.serviceType && value) return value;
    }
  }
  return range.legacyHeader ? headerOf(req, range.legacyHeader) : undefined;
}

/** The headers real services echo: `OpenStack-API-Version: compute 2.79` (and Nova's legacy header). */
export function versionHeaders(range: VersionRange, v: Microversion): Record<string, string> {
  const headers: Record<string, string> = { 'OpenStack-API-Version': `${range.serviceType} ${v.text}` };
  if (range.legacyHeader) {
    headers[range.legacyHeader] = v.text;
    headers['Vary'] = `OpenStack-API-Version, ${range.legacyHeader}`;
  } else {
    headers['Vary'] = 'OpenStack-API-Version';
  }
  return headers;
}
