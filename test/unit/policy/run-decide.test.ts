import { describe, expect, it } from 'vitest';
import type { OccurrenceRecord } from '../../../src/journal/types.js';
import {
  adhocOccurrenceId,
  adhocTiming,
  decideResume,
  isScheduledOccurrence,
  lastScheduled,
  nextBusyAttempt,
  occurrenceEvents,
  previousOutcomes,
  runTiming,
  summarizeOccurrence,
} from '../../../src/policy/run-decide.js';
import type { InstanceOutcome, InstanceRunResult } from '../../../src/policy/run-types.js';
import { compileSchedule } from '../../../src/policy/schedule.js';

const at = (s: string) => new Date(s);
const HOURLY = compileSchedule('0 * * * *', 'UTC', at('2026-01-01T00:00:00Z'));
const MIN = 60_000;

function record(occurrence: string, state: OccurrenceRecord['state'], result: unknown = null): OccurrenceRecord {
  const scheduledAt = occurrence.includes('@adhoc-') ? '2026-05-01T10:30:00.000Z' : new Date(occurrence.split('@')[1]!).toISOString();
  return {
    policy: 'p',
    occurrence,
    scheduledAt,
    state,
    reason: null,
    pid: null,
    hostname: null,
    ownerId: null,
    ownerAlive: null,
    recordedAt: scheduledAt,
    startedAt: null,
    finishedAt: null,
    result,
  };
}

function result(instanceId: string, outcome: InstanceOutcome, extra: Partial<InstanceRunResult> = {}): InstanceRunResult {
  return {
    instanceId,
    instanceName: instanceId,
    outcome,
    setId: null,
    consistency: null,
    startAt: '2026-05-01T10:00:00.000Z',
    attempts: 1,
    errorCode: null,
    message: null,
    ...extra,
  };
}

describe('ad-hoc occurrences (policy run NAME)', () => {
  it('have an id of their own that is never a scheduled one', () => {
    const id = adhocOccurrenceId('hourly-web', at('2026-05-01T10:30:12.345Z'), 'a1b2c3');
    expect(id).toBe('hourly-web@adhoc-2026-05-01T10:30:12Z-a1b2c3');
    expect(isScheduledOccurrence(id)).toBe(false);
    expect(isScheduledOccurrence('hourly-web@2026-05-01T10:00:00Z')).toBe(true);
  });

  it('never count as the last handled scheduled occurrence', () => {
    const newestFirst = [
      record('p@adhoc-2026-05-01T10:30:00Z-aaaaaa', 'done'),
      record('p@2026-05-01T09:00:00Z', 'done'),
      record('p@2026-05-01T08:00:00Z', 'missed'),
    ];
    expect(lastScheduled(newestFirst)).toEqual(at('2026-05-01T09:00:00Z'));
    expect(lastScheduled([record('p@adhoc-2026-05-01T10:30:00Z-aaaaaa', 'done')])).toBeNull();
  });

  it('start every instance now and retry a busy one for the grace time, never past the next occurrence', () => {
    expect(adhocTiming(HOURLY, at('2026-05-01T10:30:00Z'))).toEqual({ base: at('2026-05-01T10:30:00Z'), retryUntil: at('2026-05-01T10:45:00Z'), late: false });
    expect(adhocTiming(HOURLY, at('2026-05-01T10:50:00Z')).retryUntil).toEqual(at('2026-05-01T11:00:00Z'));
  });
});

describe('resuming what the journal records as due or running', () => {
  const latest = at('2026-05-01T10:00:00Z');
  const decide = (occurrence: string, state: 'due' | 'running', ownerGone: boolean) =>
    decideResume({ record: record(occurrence, state), latest, ownerGone }).action;

  it('starts a due occurrence that is still the latest; closes one a newer occurrence superseded', () => {
    expect(decide('p@2026-05-01T10:00:00Z', 'due', false)).toBe('start');
    expect(decide('p@2026-05-01T09:00:00Z', 'due', false)).toBe('close');
  });

  it('adopts the latest running occurrence of a dead runner, closes an older one, leaves a live runner alone', () => {
    expect(decide('p@2026-05-01T10:00:00Z', 'running', true)).toBe('adopt');
    expect(decide('p@2026-05-01T09:00:00Z', 'running', true)).toBe('close');
    expect(decide('p@2026-05-01T10:00:00Z', 'running', false)).toBe('leave');
    expect(decide('p@2026-05-01T09:00:00Z', 'running', false)).toBe('leave');
  });

  it('closes an ad-hoc run whose runner died or that never started (a person asked for it then, not now)', () => {
    expect(decide('p@adhoc-2026-05-01T10:30:00Z-aaaaaa', 'running', true)).toBe('close');
    expect(decide('p@adhoc-2026-05-01T10:30:00Z-aaaaaa', 'due', false)).toBe('close');
    expect(decide('p@adhoc-2026-05-01T10:30:00Z-aaaaaa', 'running', false)).toBe('leave');
  });

  it('with many workers, collects an ad-hoc run whose runner died (its instance jobs are queued and still served)', () => {
    const fleet = (occurrence: string, state: 'due' | 'running', ownerGone: boolean) =>
      decideResume({ record: record(occurrence, state), latest, ownerGone, fleet: true }).action;
    expect(fleet('p@adhoc-2026-05-01T10:30:00Z-aaaaaa', 'running', true)).toBe('adopt');
    expect(fleet('p@adhoc-2026-05-01T10:30:00Z-aaaaaa', 'running', false)).toBe('leave');
    expect(fleet('p@2026-05-01T09:00:00Z', 'running', true)).toBe('close');
  });
});

describe('when instances start and until when a busy one is retried', () => {
  it('inside the window: from the occurrence, until the window ends (spread + 15 min grace)', () => {
    expect(runTiming(HOURLY, at('2026-05-01T10:00:00Z'), 10 * MIN, at('2026-05-01T10:03:00Z'))).toEqual({
      base: at('2026-05-01T10:00:00Z'),
      retryUntil: at('2026-05-01T10:25:00Z'),
      late: false,
    });
  });

  it('after the window (a late run-once, an adopted occurrence): from now, for spread + grace, never past the next occurrence', () => {
    expect(runTiming(HOURLY, at('2026-05-01T10:00:00Z'), 10 * MIN, at('2026-05-01T10:30:00Z'))).toEqual({
      base: at('2026-05-01T10:30:00Z'),
      retryUntil: at('2026-05-01T10:55:00Z'),
      late: true,
    });
    expect(runTiming(HOURLY, at('2026-05-01T10:00:00Z'), 10 * MIN, at('2026-05-01T10:50:00Z')).retryUntil).toEqual(at('2026-05-01T11:00:00Z'));
  });

  it('back-off doubles from 5 s to a minute; the last try is a second before the window closes; then it gives up', () => {
    const until = at('2026-05-01T10:02:00Z');
    const attempts: string[] = [];
    let now = at('2026-05-01T10:00:00Z');
    for (let n = 1; ; n++) {
      const next = nextBusyAttempt(n, now, until);
      if (!next) break;
      attempts.push(next.toISOString().slice(14, 19));
      now = next;
    }
    expect(attempts).toEqual(['00:05', '00:15', '00:35', '01:15', '01:59']);
    expect(nextBusyAttempt(9, at('2026-05-01T10:00:00Z'), at('2026-05-01T10:30:00Z'))).toEqual(at('2026-05-01T10:01:00Z'));
  });
});

describe('how an occurrence ends', () => {
  it('done when every instance was served, with no reason', () => {
    expect(summarizeOccurrence([result('a', 'created'), result('b', 'already-done')])).toEqual({ state: 'done', reason: null });
  });

  it('done with the counts when some failed or were missed', () => {
    expect(summarizeOccurrence([result('a', 'created'), result('b', 'failed'), result('c', 'missed')])).toEqual({
      state: 'done',
      reason: '1 of 3 served, 1 failed, 1 missed',
    });
  });

  it('missed when nothing was served and every instance was missed', () => {
    expect(summarizeOccurrence([result('a', 'missed', { message: 'busy until its window closed' })])).toEqual({
      state: 'missed',
      reason: 'every instance was missed (busy until its window closed)',
    });
  });

  it('done, saying so, when the policy matched no instance', () => {
    expect(summarizeOccurrence([])).toEqual({ state: 'done', reason: 'no instance matched the policy' });
  });
});

describe('events', () => {
  it('failure for the failed instances; recovery for an instance whose last decisive outcome failed; success only when all were served', () => {
    const earlier = [
      record('p@2026-05-01T09:00:00Z', 'done', { instances: [result('a', 'missed'), result('b', 'created')] }),
      record('p@2026-05-01T08:00:00Z', 'done', { instances: [result('a', 'failed'), result('b', 'failed'), result('c', 'failed')] }),
    ];
    const previous = previousOutcomes(earlier);
    expect(previous).toEqual(
      new Map([
        ['a', 'failed'],
        ['b', 'ok'],
        ['c', 'failed'],
      ]),
    );
    const events = occurrenceEvents([result('a', 'created'), result('b', 'created'), result('c', 'failed')], previous);
    expect(events.failure.map((r) => r.instanceId)).toEqual(['c']);
    expect(events.recovery.map((r) => r.instanceId)).toEqual(['a']);
    expect(events.missed).toEqual([]);
    expect(events.success).toBe(false);
    expect(occurrenceEvents([result('a', 'created'), result('b', 'already-done')], previous).success).toBe(true);
    expect(occurrenceEvents([result('a', 'created'), result('b', 'missed')], previous).missed.map((r) => r.instanceId)).toEqual(['b']);
  });

  it('read only well-formed results (a record written by anything else says nothing)', () => {
    expect(
      previousOutcomes([record('p@2026-05-01T09:00:00Z', 'done', { instances: [{ id: 'i1' }] }), record('p@2026-05-01T08:00:00Z', 'missed', null)]),
    ).toEqual(new Map());
  });
});
