import type { DaemonView, FailureSummary, FreezeWindow, PolicyStatus, SetSummary, TriggeredRun } from '../../../src/daemon/view.js';

export const EVIL = '<script>alert("x")</script>';

/** A view with fixed answers (the journal-backed one is tested on its own); `fail` makes every read throw. */
export function fakeView(
  over: Partial<{
    policies: PolicyStatus[];
    sets: SetSummary[];
    windows: FreezeWindow[];
    failures: FailureSummary[];
    guests: number;
    fail: boolean;
    trigger: (name: string) => Promise<TriggeredRun | undefined>;
  }> = {},
): DaemonView {
  const read = async <T>(value: T): Promise<T> => {
    if (over.fail) throw new Error('journal unreadable');
    return value;
  };
  return {
    policies: () => read(over.policies ?? samplePolicies()),
    sets: (q) => read((over.sets ?? []).slice(0, q.limit)),
    freezeWindows: () => read(over.windows ?? sampleWindows()),
    failures: () => read(over.failures ?? [sampleFailure()]),
    guestsFrozen: () => read(over.guests ?? 0),
    triggerPolicy: (name) => (over.trigger ? over.trigger(name) : read(name === 'hourly-web' ? { runId: 'hourly-web@manual-1', policy: name } : undefined)),
  };
}

export function sampleFailure(): FailureSummary {
  return {
    at: '2026-11-27T09:40:00.000Z',
    operationId: 'op-f',
    kind: 'create',
    instanceId: 'i3',
    instanceName: EVIL,
    errorCode: 'CCSNAP_FREEZE_FAILED',
    message: 'agent <b>gone</b>',
  };
}

export function samplePolicies(): PolicyStatus[] {
  return [
    {
      name: 'hourly-web',
      schedule: '0 * * * *',
      timezone: 'Europe/Berlin',
      previousOccurrence: '2026-11-27T10:00:00.000Z',
      nextOccurrence: '2026-11-27T11:00:00.000Z',
      lastRun: { occurrence: 'hourly-web@2026-11-27T10:00:00Z', scheduledAt: '2026-11-27T10:00:00.000Z', state: 'done', finishedAt: null, reason: null },
      instances: [
        {
          instanceId: 'i1',
          instanceName: 'web-1',
          newestGoodSet: { setId: 'set-1', createdAt: '2026-11-27T10:00:05.000Z', consistency: 'filesystem-consistent' },
          ageSeconds: 1795,
          late: false,
          recentFailures: [],
        },
        { instanceId: 'i3', instanceName: EVIL, newestGoodSet: null, ageSeconds: null, late: true, recentFailures: [sampleFailure()] },
      ],
    },
  ];
}

export function sampleWindows(): FreezeWindow[] {
  return [
    { at: '2026-11-27T09:00:00.000Z', setId: 'set-0', instanceId: 'i1', instanceName: 'web-1', frozenMs: 35, thawedBy: 'ccsnap' },
    { at: '2026-11-27T10:00:05.000Z', setId: 'set-1', instanceId: 'i1', instanceName: EVIL, frozenMs: 10_100, thawedBy: 'watchdog' },
  ];
}
