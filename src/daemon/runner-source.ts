import { CcsnapError } from '../errors.js';
import { policyInstances, policySchedules, startPolicyRun } from '../ops/policy-run/index.js';
import type { RunReport } from '../policy/run-types.js';
import type { Runtime } from '../runtime.js';
import type { PolicyDescriptor, PolicySource } from './policy-source.js';

type Matched = Map<string, Array<{ id: string; name: string }>>;

export interface RunnerSourceOptions {
  /** How long one inventory (the instances each policy matches) serves the page and the scrapes; default 5 min. */
  inventoryMaxAgeMs?: number;
  /** Stops triggered runs (no new instance starts; open freeze windows finish). */
  signal?: AbortSignal;
  /** Told when a triggered run ends (its report) or fails. */
  onTriggered?: (policy: string, outcome: { report: RunReport } | { error: unknown }) => void;
}

export interface RunnerSource extends PolicySource {
  /** The triggered runs still going (the daemon waits for them before it stops). */
  running(): Array<Promise<void>>;
}

/**
 * The daemon's policies from the runtime: schedules and last runs from the journal at every call (no cloud
 * I/O), the matched instances from one inventory refreshed at most every `inventoryMaxAgeMs`, and triggered
 * runs through the same runner as run-due (an ad-hoc occurrence, recorded before the trigger returns).
 */
export function createRunnerSource(rt: Runtime, opts: RunnerSourceOptions = {}): RunnerSource {
  const maxAge = opts.inventoryMaxAgeMs ?? 300_000;
  let matched: { at: number; value: Promise<Matched> } | undefined;
  const inFlight = new Set<Promise<void>>();

  const instances = (signal: AbortSignal): Promise<Matched> => {
    if (!matched || Date.now() - matched.at > maxAge) {
      const value = policyInstances(rt, { signal });
      matched = { at: Date.now(), value };
      value.catch(() => (matched = undefined));
    }
    return matched.value;
  };

  return {
    async list(call): Promise<PolicyDescriptor[]> {
      const byPolicy = await instances(call.signal);
      return (await policySchedules(rt, call.now)).map((s) => ({ ...s, instances: byPolicy.get(s.name) ?? [] }));
    },
    async trigger(name) {
      if (!rt.settings.policies.some((p) => p.name === name)) return undefined;
      if (opts.signal?.aborted) throw new CcsnapError('CCSNAP_DAEMON_STOPPING', `the daemon is stopping; policy ${name} was not started`);
      const { occurrence, done } = await startPolicyRun(rt, name, opts.signal ? { signal: opts.signal } : {});
      const run = done.then(
        (report) => opts.onTriggered?.(name, { report }),
        (error: unknown) => opts.onTriggered?.(name, { error }),
      );
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
      return { runId: occurrence, policy: name };
    },
    running: () => [...inFlight],
  };
}
