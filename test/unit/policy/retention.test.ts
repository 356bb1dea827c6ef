import { describe, expect, it } from 'vitest';
import { bucketKey, isoWeek } from '../../../src/policy/buckets.js';
import { describeReason, planRetention, type RetentionDecision, type RetentionSet } from '../../../src/policy/retention.js';
import type { RetentionRules } from '../../../src/policy/types.js';

const NONE: RetentionRules = { keepLast: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
const NOW = new Date('2027-06-01T00:00:00Z');

function set(id: string, createdAt: string, over: Partial<RetentionSet> = {}): RetentionSet {
  return { id, instanceId: 'i1', policy: 'p', createdAt, state: 'complete', hasClones: false, ...over };
}

function plan(sets: RetentionSet[], rules: Partial<RetentionRules>, timezone = 'UTC', now = NOW) {
  return planRetention({ policy: 'p', rules: { ...NONE, ...rules }, timezone, now, sets });
}

/** id → "keep: reason; reason" or "prune". */
function summary(decisions: RetentionDecision[]): Record<string, string> {
  return Object.fromEntries(decisions.map((d) => [d.setId, d.action === 'prune' ? 'prune' : `keep: ${d.reasons.map(describeReason).join('; ')}`]));
}

const kept = (decisions: RetentionDecision[]) => decisions.filter((d) => d.action === 'keep').map((d) => d.setId);

describe('bucket keys in the policy zone', () => {
  it('puts an instant in the local hour, day, ISO week, month and year', () => {
    const t = new Date('2026-12-31T23:30:00Z'); // 2027-01-01 00:30 CET, a Friday in ISO week 2026-W53
    expect(['hour', 'day', 'week', 'month', 'year'].map((u) => bucketKey(t, u as never, 'Europe/Berlin'))).toEqual([
      '2027-01-01 00 +01:00',
      '2027-01-01',
      '2026-W53',
      '2027-01',
      '2027',
    ]);
    expect(['hour', 'day', 'week', 'month', 'year'].map((u) => bucketKey(t, u as never, 'UTC'))).toEqual([
      '2026-12-31 23 +00:00',
      '2026-12-31',
      '2026-W53',
      '2026-12',
      '2026',
    ]);
  });

  it('keeps the two real hours of a fall-back apart', () => {
    expect(bucketKey(new Date('2026-10-25T00:15:00Z'), 'hour', 'Europe/Berlin')).toBe('2026-10-25 02 +02:00');
    expect(bucketKey(new Date('2026-10-25T01:15:00Z'), 'hour', 'Europe/Berlin')).toBe('2026-10-25 02 +01:00');
  });

  it('numbers ISO weeks across year ends', () => {
    expect(isoWeek(2025, 12, 28)).toBe('2025-W52'); // Sunday
    expect(isoWeek(2025, 12, 29)).toBe('2026-W01'); // Monday of the week of Thursday 2026-01-01
    expect(isoWeek(2026, 12, 31)).toBe('2026-W53');
    expect(isoWeek(2027, 1, 3)).toBe('2026-W53'); // Sunday
    expect(isoWeek(2027, 1, 4)).toBe('2027-W01');
    expect(isoWeek(2021, 1, 1)).toBe('2020-W53');
    expect(isoWeek(2024, 12, 30)).toBe('2025-W01');
  });
});

describe('retention rules (restic forget semantics, per instance)', () => {
  const week = ['2026-06-01T12:00:00Z', '2026-06-02T08:00:00Z', '2026-06-02T20:00:00Z', '2026-06-04T12:00:00Z', '2026-06-05T12:00:00Z'].map((t, i) =>
    set(`s${i}`, t),
  );

  it('keep_last keeps the N newest', () => {
    expect(summary(plan(week, { keepLast: 2 }))).toEqual({
      s4: 'keep: keep-last 1/2; newest complete set of the instance',
      s3: 'keep: keep-last 2/2',
      s2: 'prune',
      s1: 'prune',
      s0: 'prune',
    });
  });

  it('daily keeps the newest set of each of the N newest days that have a set (empty days do not count)', () => {
    expect(summary(plan(week, { daily: 3 }))).toEqual({
      s4: 'keep: daily 1/3 (2026-06-05); newest complete set of the instance',
      s3: 'keep: daily 2/3 (2026-06-04)',
      s2: 'keep: daily 3/3 (2026-06-02)',
      s1: 'prune',
      s0: 'prune',
    });
  });

  it('each rule counts on its own; a set kept by several rules lists them all', () => {
    const d = summary(plan(week, { keepLast: 1, daily: 2, weekly: 2, monthly: 1, yearly: 1 }));
    expect(d.s4).toBe(
      'keep: keep-last 1/1; daily 1/2 (2026-06-05); weekly 1/2 (2026-W23); monthly 1/1 (2026-06); yearly 1/1 (2026); newest complete set of the instance',
    );
    expect(d.s3).toBe('keep: daily 2/2 (2026-06-04)');
    expect(d.s0).toBe('prune'); // 2026-06-01 is the Monday of W23, the same week as the others: no second week
  });

  it('a rule with more buckets than sets keeps all and nothing more', () => {
    expect(kept(plan(week, { monthly: 12 }))).toEqual(['s4']);
    expect(kept(plan(week, { hourly: 100 }))).toEqual(['s4', 's3', 's2', 's1', 's0']);
  });

  it('applies the rules to each instance on its own', () => {
    const sets = [...week, set('o1', '2026-06-05T13:00:00Z', { instanceId: 'i2' }), set('o2', '2026-06-05T14:00:00Z', { instanceId: 'i2' })];
    const d = plan(sets, { keepLast: 1 });
    expect(d.map((x) => `${x.instanceId}/${x.setId}:${x.action}`)).toEqual([
      'i1/s4:keep',
      'i1/s3:prune',
      'i1/s2:prune',
      'i1/s1:prune',
      'i1/s0:prune',
      'i2/o2:keep',
      'i2/o1:prune',
    ]);
  });

  it('breaks ties of equal instants by id, the same way every time', () => {
    const sets = [set('b', '2026-06-05T12:00:00Z'), set('a', '2026-06-05T12:00:00Z'), set('c', '2026-06-04T12:00:00Z')];
    expect(summary(plan(sets, { daily: 2 }))).toEqual(summary(plan([...sets].reverse(), { daily: 2 })));
    expect(summary(plan(sets, { daily: 2 }))).toEqual({
      a: 'keep: daily 1/2 (2026-06-05); newest complete set of the instance',
      b: 'prune',
      c: 'keep: daily 2/2 (2026-06-04)',
    });
  });
});

describe('retention buckets at time-zone boundaries', () => {
  // 21:30Z is 23:30 CEST on 1 June; 22:30Z is 00:30 CEST on 2 June: one UTC day, two Berlin days.
  const sets = [set('c', '2026-05-31T12:00:00Z'), set('a', '2026-06-01T21:30:00Z'), set('b', '2026-06-01T22:30:00Z')];

  it('counts days in the policy zone (Europe/Berlin)', () => {
    expect(summary(plan(sets, { daily: 2 }, 'Europe/Berlin'))).toEqual({
      b: 'keep: daily 1/2 (2026-06-02); newest complete set of the instance',
      a: 'keep: daily 2/2 (2026-06-01)',
      c: 'prune',
    });
  });

  it('and in UTC the same sets fall on other days', () => {
    expect(summary(plan(sets, { daily: 2 }, 'UTC'))).toEqual({
      b: 'keep: daily 1/2 (2026-06-01); newest complete set of the instance',
      a: 'prune',
      c: 'keep: daily 2/2 (2026-05-31)',
    });
  });

  it('starts a week on Monday 00:00 local time', () => {
    // Sunday 2026-11-29 23:30 CET (22:30Z) and Monday 2026-11-30 00:30 CET (23:30Z on Sunday in UTC).
    const w = [set('sun', '2026-11-29T22:30:00Z'), set('mon', '2026-11-29T23:30:00Z'), set('old', '2026-11-20T12:00:00Z')];
    expect(kept(plan(w, { weekly: 2 }, 'Europe/Berlin'))).toEqual(['mon', 'sun']);
    expect(kept(plan(w, { weekly: 2 }, 'UTC'))).toEqual(['mon', 'old']);
  });

  it('starts a month and a year at local midnight', () => {
    const m = [set('mar', '2026-03-31T21:30:00Z'), set('apr', '2026-03-31T22:30:00Z')]; // 23:30 and 00:30 CEST
    expect(kept(plan(m, { monthly: 2 }, 'Europe/Berlin'))).toEqual(['apr', 'mar']);
    expect(kept(plan(m, { monthly: 2 }, 'UTC'))).toEqual(['apr']);
    const y = [set('y26', '2026-12-31T22:30:00Z'), set('y27', '2026-12-31T23:30:00Z')]; // 23:30 CET and 00:30 CET
    expect(kept(plan(y, { yearly: 2 }, 'Europe/Berlin'))).toEqual(['y27', 'y26']);
    expect(kept(plan(y, { yearly: 2 }, 'America/New_York'))).toEqual(['y27']);
  });

  it('keeps both real hours of a fall-back night with hourly, one of them with daily', () => {
    const h = [set('cest', '2026-10-25T00:15:00Z'), set('cet', '2026-10-25T01:15:00Z')];
    expect(kept(plan(h, { hourly: 2 }, 'Europe/Berlin'))).toEqual(['cet', 'cest']);
    expect(kept(plan(h, { daily: 1 }, 'Europe/Berlin'))).toEqual(['cet']);
  });
});

describe('retention safety rules', () => {
  it('decides only sets made by this policy: manual, other policies and foreign sets are never in the output', () => {
    const sets = [
      set('mine-old', '2026-06-01T00:00:00Z'),
      set('mine-new', '2026-06-03T00:00:00Z'),
      set('manual', '2026-05-01T00:00:00Z', { policy: null }),
      set('other', '2026-05-02T00:00:00Z', { policy: 'other' }),
    ];
    expect(summary(plan(sets, { keepLast: 1 }))).toEqual({ 'mine-new': 'keep: keep-last 1/1; newest complete set of the instance', 'mine-old': 'prune' });
  });

  it('never prunes the newest complete set of an instance, even when no rule keeps it', () => {
    const sets = [set('old', '2026-06-01T00:00:00Z'), set('new', '2026-06-02T00:00:00Z'), set('failed', '2026-06-03T00:00:00Z', { state: 'failed' })];
    expect(summary(plan(sets, {}))).toEqual({
      failed: 'keep: failed (not counted; create and recover clean it up)',
      new: 'keep: newest complete set of the instance',
      old: 'prune',
    });
  });

  it("the newest complete set is the instance's, whoever made it", () => {
    const sets = [set('mine', '2026-06-01T00:00:00Z'), set('manual', '2026-06-02T00:00:00Z', { policy: null })];
    expect(summary(plan(sets, {}))).toEqual({ mine: 'prune' });
  });

  it('never prunes a set with clones, and still counts it', () => {
    const sets = [set('cloned', '2026-06-01T00:00:00Z', { hasClones: true }), set('a', '2026-06-02T00:00:00Z'), set('b', '2026-06-02T06:00:00Z')];
    expect(summary(plan(sets, { daily: 1 }))).toEqual({
      b: 'keep: daily 1/1 (2026-06-02); newest complete set of the instance',
      a: 'prune',
      cloned: 'keep: has clones on the array',
    });
    expect(summary(plan(sets, { daily: 2 })).cloned).toBe('keep: daily 2/2 (2026-06-01); has clones on the array');
  });

  it('keeps sets still being created, failed, incomplete or stamped after now, and never counts them', () => {
    const sets = [
      set('good', '2026-06-01T00:00:00Z'),
      set('incomplete', '2026-06-02T00:00:00Z', { state: 'incomplete' }),
      set('failed', '2026-06-03T00:00:00Z', { state: 'failed' }),
      set('creating', '2026-06-04T00:00:00Z', { state: 'creating' }),
      set('future', '2027-07-01T00:00:00Z'),
      set('bad-time', 'not a time'),
    ];
    expect(summary(plan(sets, { keepLast: 1 }))).toEqual({
      'bad-time': 'keep: created after now, or at an unreadable time (not counted)',
      future: 'keep: created after now, or at an unreadable time (not counted)',
      creating: 'keep: still being created',
      failed: 'keep: failed (not counted; create and recover clean it up)',
      incomplete: 'keep: incomplete on the array (not counted; never pruned automatically)',
      good: 'keep: keep-last 1/1; newest complete set of the instance',
    });
  });

  it('leaves deleted sets out', () => {
    expect(plan([set('gone', '2026-06-01T00:00:00Z', { state: 'deleted' }), set('x', '2026-06-02T00:00:00Z')], { keepLast: 1 }).map((d) => d.setId)).toEqual([
      'x',
    ]);
  });
});

describe('a year of hourly sets in Europe/Berlin (the worked table)', () => {
  // 8760 hourly sets, 2025-11-27T11:00Z … 2026-11-27T10:00Z (Friday 27 Nov 2026, 11:00 CET).
  const sets: RetentionSet[] = [];
  for (let t = Date.parse('2025-11-27T11:00:00Z'); t <= Date.parse('2026-11-27T10:00:00Z'); t += 3_600_000) {
    sets.push(set(new Date(t).toISOString().slice(0, 13), new Date(t).toISOString()));
  }
  const rules = { keepLast: 3, hourly: 24, daily: 7, weekly: 4, monthly: 6, yearly: 1 };

  it('keeps exactly the 36 sets worked out by hand, and prunes the 8724 others', () => {
    expect(sets).toHaveLength(8760);
    const decisions = plan(sets, rules, 'Europe/Berlin', new Date('2026-11-27T10:30:00Z'));
    const expected = [
      // hourly 24 (keep_last 3 and yearly 1 are inside it): 2026-11-26T11Z … 2026-11-27T10Z
      ...Array.from({ length: 24 }, (_, i) => new Date(Date.parse('2026-11-27T10:00:00Z') - i * 3_600_000).toISOString().slice(0, 13)),
      // daily 7: the last set of each local day is 23:00 CET = 22:00Z (the 26th is inside hourly already)
      '2026-11-25T22',
      '2026-11-24T22',
      '2026-11-23T22',
      '2026-11-22T22',
      '2026-11-21T22',
      // weekly 4: this week (Mon 23 Nov) is the newest set; then Sundays 23:00 CET: 22 Nov (daily already), 15 Nov, 8 Nov
      '2026-11-15T22',
      '2026-11-08T22',
      // monthly 6: November is the newest set; 31 Oct 23:00 CET; 30 Sep, 31 Aug, 31 Jul, 30 Jun 23:00 CEST = 21:00Z
      '2026-10-31T22',
      '2026-09-30T21',
      '2026-08-31T21',
      '2026-07-31T21',
      '2026-06-30T21',
    ];
    expect(kept(decisions)).toEqual(expected);
    expect(decisions.filter((d) => d.action === 'prune')).toHaveLength(8760 - 36);
    const d = summary(decisions);
    expect(d['2026-11-27T10']).toBe(
      'keep: keep-last 1/3; hourly 1/24 (2026-11-27 11 +01:00); daily 1/7 (2026-11-27); weekly 1/4 (2026-W48); monthly 1/6 (2026-11); yearly 1/1 (2026); newest complete set of the instance',
    );
    expect(d['2026-11-22T22']).toBe('keep: daily 6/7 (2026-11-22); weekly 2/4 (2026-W47)');
    expect(d['2026-06-30T21']).toBe('keep: monthly 6/6 (2026-06)');
    expect(d['2026-06-30T22']).toBe('prune'); // 00:00 CEST on 1 July
  });
});
