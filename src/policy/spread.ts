import { createHash } from 'node:crypto';

/**
 * A deterministic offset in [0, spreadMs), whole seconds, for one instance of one policy: the first 48 bits
 * of SHA-256(policy NUL instance id) scaled to the window. The same instance starts at the same point of
 * every occurrence, on every machine; instances spread evenly; and the policy name in the hash keeps two
 * policies with equal schedules from hitting one instance at the same second.
 */
export function spreadOffsetMs(policy: string, instanceId: string, spreadMs: number): number {
  const seconds = Math.floor(spreadMs / 1000);
  if (seconds <= 0) return 0;
  const digest = createHash('sha256').update(policy).update('\0').update(instanceId).digest();
  const fraction = digest.readUIntBE(0, 6) / 2 ** 48;
  return Math.floor(fraction * seconds) * 1000;
}

/** When an instance starts in an occurrence that begins at `base` (the occurrence, or now for a late run). */
export function spreadStart(base: Date, policy: string, instanceId: string, spreadMs: number): Date {
  return new Date(base.getTime() + spreadOffsetMs(policy, instanceId, spreadMs));
}
