import { describe, expect, it } from 'vitest';
import { ageSeconds, judgeLateness } from '../../../src/daemon/lateness.js';

describe('judgeLateness', () => {
  it('is never late before any occurrence window has closed', () => {
    expect(judgeLateness(null, null)).toBe(false);
    expect(judgeLateness('2026-11-27T09:00:00.000Z', null)).toBe(false);
  });

  it('is late without a good set once an occurrence window has closed', () => {
    expect(judgeLateness(null, '2026-11-27T09:00:00.000Z')).toBe(true);
  });

  it('is late when the newest good set is older than the last closed occurrence, on time from that instant on', () => {
    const due = '2026-11-27T09:00:00.000Z';
    expect(judgeLateness('2026-11-27T08:59:59.999Z', due)).toBe(true);
    expect(judgeLateness('2026-11-27T09:00:00.000Z', due)).toBe(false);
    expect(judgeLateness('2026-11-27T09:07:12.000Z', due)).toBe(false);
  });
});

describe('ageSeconds', () => {
  it('counts seconds from the set to now, never below zero', () => {
    const now = new Date('2026-11-27T10:00:00.000Z');
    expect(ageSeconds('2026-11-27T09:00:00.000Z', now)).toBe(3600);
    expect(ageSeconds('2026-11-27T10:00:01.000Z', now)).toBe(0);
  });
});
