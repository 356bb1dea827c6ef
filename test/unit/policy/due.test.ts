import { describe, expect, it } from 'vitest';
import { computeDue, MAX_MISSED_LISTED, RUN_GRACE_MS, windowOf, type DueInput } from '../../../src/policy/due.js';
import { formatInstant, occurrenceId, parseOccurrenceId } from '../../../src/policy/occurrence.js';
import { compileSchedule } from '../../../src/policy/schedule.js';
import { spreadOffsetMs, spreadStart } from '../../../src/policy/spread.js';

const at = (s: string) => new Date(s);
const HOURLY = compileSchedule('0 * * * *', 'UTC', at('2026-01-01T00:00:00Z'));
const MIN = 60_000;

function due(over: Partial<DueInput>) {
  const r = computeDue({ policy: 'p', schedule: HOURLY, missed: 'run-once', spreadMs: 10 * MIN, lastHandled: null, now: at('2026-05-01T10:05:00Z'), ...over });
  return { due: r.due.map((o) => `${o.id}${o.late ? ' late' : ''}`), missed: r.missed.map((o) => o.id), truncated: r.missedTruncated };
}

describe('occurrence ids', () => {
  it('are the policy and the UTC instant to the second, and split back', () => {
    expect(occurrenceId('hourly-web', at('2026-03-29T01:00:00.000Z'))).toBe('hourly-web@2026-03-29T01:00:00Z');
    expect(parseOccurrenceId('hourly-web@2026-03-29T01:00:00Z')).toEqual({
      policy: 'hourly-web',
      at: at('2026-03-29T01:00:00Z'),
      id: 'hourly-web@2026-03-29T01:00:00Z',
    });
    expect(formatInstant(at('2026-03-29T01:00:00.999Z'))).toBe('2026-03-29T01:00:00Z');
  });

  it('refuse what is not one', () => {
    for (const bad of ['', 'p', '@2026-03-29T01:00:00Z', 'p@2026-03-29T01:00:00.000Z', 'p@2026-02-30T01:00:00Z', 'p@2026-03-29 01:00:00Z']) {
      expect(parseOccurrenceId(bad), bad).toBeUndefined();
    }
  });
});

describe('windows', () => {
  it('run from the occurrence for spread + grace, never past the next occurrence', () => {
    expect(windowOf(HOURLY, at('2026-05-01T10:00:00Z'), 10 * MIN).end.getTime() - at('2026-05-01T10:00:00Z').getTime()).toBe(10 * MIN + RUN_GRACE_MS);
    const quarterly = compileSchedule('*/15 * * * *', 'UTC', at('2026-01-01T00:00:00Z'));
    expect(windowOf(quarterly, at('2026-05-01T10:00:00Z'), 10 * MIN).end).toEqual(at('2026-05-01T10:15:00Z'));
  });
});

describe('what is due', () => {
  it('the current occurrence inside its window, whatever missed says', () => {
    expect(due({ lastHandled: at('2026-05-01T09:00:00Z') })).toEqual({ due: ['p@2026-05-01T10:00:00Z'], missed: [], truncated: false });
    expect(due({ lastHandled: at('2026-05-01T09:00:00Z'), missed: 'skip' })).toEqual({ due: ['p@2026-05-01T10:00:00Z'], missed: [], truncated: false });
  });

  it('nothing once the latest occurrence is handled (a second run does nothing)', () => {
    expect(due({ lastHandled: at('2026-05-01T10:00:00Z') })).toEqual({ due: [], missed: [], truncated: false });
    expect(due({ lastHandled: at('2026-05-01T10:00:00Z'), now: at('2026-05-01T10:59:59Z') })).toEqual({ due: [], missed: [], truncated: false });
  });

  it('run-once after downtime: only the latest missed occurrence runs (late), the older ones are missed', () => {
    const r = due({ lastHandled: at('2026-05-01T06:00:00Z'), now: at('2026-05-01T10:40:00Z') });
    expect(r).toEqual({
      due: ['p@2026-05-01T10:00:00Z late'],
      missed: ['p@2026-05-01T07:00:00Z', 'p@2026-05-01T08:00:00Z', 'p@2026-05-01T09:00:00Z'],
      truncated: false,
    });
  });

  it('skip after downtime: none of the missed occurrences runs', () => {
    const r = due({ lastHandled: at('2026-05-01T06:00:00Z'), now: at('2026-05-01T10:40:00Z'), missed: 'skip' });
    expect(r.due).toEqual([]);
    expect(r.missed).toEqual(['p@2026-05-01T07:00:00Z', 'p@2026-05-01T08:00:00Z', 'p@2026-05-01T09:00:00Z', 'p@2026-05-01T10:00:00Z']);
  });

  it('skip still runs the current occurrence when ccsnap comes back inside its window', () => {
    const r = due({ lastHandled: at('2026-05-01T06:00:00Z'), now: at('2026-05-01T10:24:59Z'), missed: 'skip' });
    expect(r.due).toEqual(['p@2026-05-01T10:00:00Z']);
    expect(r.missed).toEqual(['p@2026-05-01T07:00:00Z', 'p@2026-05-01T08:00:00Z', 'p@2026-05-01T09:00:00Z']);
    expect(due({ lastHandled: at('2026-05-01T09:00:00Z'), now: at('2026-05-01T10:25:00Z'), missed: 'skip' }).due).toEqual([]);
  });

  it('a policy that never ran starts now: no catch-up, nothing missed', () => {
    expect(due({ lastHandled: null, now: at('2026-05-01T10:05:00Z') })).toEqual({ due: ['p@2026-05-01T10:00:00Z'], missed: [], truncated: false });
    expect(due({ lastHandled: null, now: at('2026-05-01T10:40:00Z') })).toEqual({ due: [], missed: [], truncated: false });
  });

  it('lists at most MAX_MISSED_LISTED missed occurrences (the newest) and says so', () => {
    const r = due({ lastHandled: at('2025-05-01T10:00:00Z'), now: at('2026-05-01T10:40:00Z') });
    expect(r.due).toEqual(['p@2026-05-01T10:00:00Z late']);
    expect(r.missed).toHaveLength(MAX_MISSED_LISTED);
    expect(r.missed.at(-1)).toBe('p@2026-05-01T09:00:00Z');
    expect(r.truncated).toBe(true);
  });

  it('a daily policy across the spring-forward day of its zone', () => {
    const daily = compileSchedule('30 2 * * *', 'Europe/Berlin', at('2026-01-01T00:00:00Z'));
    const r = computeDue({
      policy: 'd',
      schedule: daily,
      missed: 'run-once',
      spreadMs: 0,
      lastHandled: at('2026-03-28T01:30:00Z'),
      now: at('2026-03-29T01:05:00Z'),
    });
    expect(r.due.map((o) => o.id)).toEqual(['d@2026-03-29T01:00:00Z']);
    expect(r.due[0]!.windowEnd).toEqual(at('2026-03-29T01:15:00Z'));
  });
});

describe('spread', () => {
  it('is deterministic, inside the window, in whole seconds', () => {
    const a = spreadOffsetMs('hourly', 'inst-1', 10 * MIN);
    expect(spreadOffsetMs('hourly', 'inst-1', 10 * MIN)).toBe(a);
    expect(a % 1000).toBe(0);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(10 * MIN);
    expect(spreadStart(at('2026-05-01T10:00:00Z'), 'hourly', 'inst-1', 10 * MIN).getTime()).toBe(at('2026-05-01T10:00:00Z').getTime() + a);
  });

  it('is 0 without a spread', () => {
    expect(spreadOffsetMs('hourly', 'inst-1', 0)).toBe(0);
    expect(spreadOffsetMs('hourly', 'inst-1', 999)).toBe(0);
  });

  it('spreads 200 instances over the whole window, not into a few seconds', () => {
    const offsets = Array.from({ length: 200 }, (_, i) => spreadOffsetMs('hourly', `6a1f1b4e-0000-4000-8000-${String(i).padStart(12, '0')}`, 10 * MIN));
    const perMinute = new Array(10).fill(0);
    for (const o of offsets) perMinute[Math.floor(o / MIN)] += 1;
    // 20 expected per minute; a uniform hash stays well inside 5..40.
    expect(Math.min(...perMinute)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...perMinute)).toBeLessThanOrEqual(40);
    expect(new Set(offsets).size).toBeGreaterThan(150);
  });

  it('differs between policies for one instance', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `i-${i}`);
    const same = ids.filter((id) => spreadOffsetMs('hourly', id, 10 * MIN) === spreadOffsetMs('daily', id, 10 * MIN));
    expect(same.length).toBeLessThan(3);
  });
});
