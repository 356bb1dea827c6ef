import type { RunSummary, TriggeredRun, ViewCall } from './view.js';

/**
 * The scheduler's side of the daemon's view: what the journal alone cannot say. `createJournalView`
 * asks it for the configured policies and for runs on demand; everything about sets, ages, lateness and
 * failures it reads from the journal itself. With no source, the view has no policies (and the API's
 * trigger answers 404).
 *
 * Contract for an implementation:
 * - `list` returns every configured policy once, in the order to show them, with the instances it
 *   matches now (id and name; an instance may appear under several policies). It must not take a snapshot
 *   or write the journal, and should answer from memory or a cached inventory: it runs on every scrape
 *   of /metrics and every load of the status page.
 * - `lastDueOccurrence` is the newest scheduled instant whose window has closed at `now` (scheduled +
 *   spread + grace ≤ now): a good set created at or after it was expected by now. null while no
 *   occurrence's window has closed (a new policy is never late).
 * - `trigger` starts a run of the policy now and returns without waiting for it; undefined when no
 *   policy has that name; a CcsnapError when it exists but cannot run now (the API answers 409 with
 *   the error's code).
 */
export interface PolicySource {
  list(opts: ViewCall): Promise<PolicyDescriptor[]>;
  trigger(name: string, opts: ViewCall): Promise<TriggeredRun | undefined>;
}

export interface PolicyDescriptor {
  name: string;
  schedule: string;
  timezone: string;
  previousOccurrence: string | null;
  nextOccurrence: string | null;
  lastDueOccurrence: string | null;
  lastRun: RunSummary | null;
  instances: Array<{ id: string; name: string }>;
}

/** No policies configured (or no scheduler wired yet). */
export const NO_POLICIES: PolicySource = {
  list: async () => [],
  trigger: async () => undefined,
};
