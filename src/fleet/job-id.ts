import { createHash } from 'node:crypto';

/** The namespace of ccsnap's policy job ids (fixed once; changing it would re-key every queued job). */
export const JOB_NAMESPACE = '5b0f5a8e-3c4d-4e21-9f6a-1d2c3b4a5e6f';

/** An RFC 4122 version-5 UUID: SHA-1 of the namespace's 16 bytes and the name, with version and variant bits set. */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new RangeError(`not a UUID: ${namespace}`);
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The idempotency key of one instance's job for one policy occurrence: the same (policy, instance,
 * occurrence) always gives the same job id, so enqueuing it twice (a coordinator that died and the one that
 * adopted its occurrence) makes one job.
 */
export function instanceJobId(policy: string, instanceId: string, occurrence: string): string {
  return uuidV5(JSON.stringify([policy, instanceId, occurrence]), JOB_NAMESPACE);
}
