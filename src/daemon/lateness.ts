/**
 * An instance is late for a policy when the newest occurrence whose window has closed
 * (`lastDueOccurrence`) has no good set at or after it: the run that should have made one did not, or it
 * failed. Before any window has closed, nothing is late. Pure; instants are ISO 8601 strings.
 */
export function judgeLateness(newestGoodAt: string | null, lastDueOccurrence: string | null): boolean {
  if (lastDueOccurrence === null) return false;
  if (newestGoodAt === null) return true;
  return Date.parse(newestGoodAt) < Date.parse(lastDueOccurrence);
}

/** now − at in seconds (never negative: a set stamped slightly ahead of this clock is 0 s old). */
export function ageSeconds(at: string, now: Date): number {
  return Math.max(0, (now.getTime() - Date.parse(at)) / 1000);
}
