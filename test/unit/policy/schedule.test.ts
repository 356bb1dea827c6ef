import { describe, expect, it } from 'vitest';
import { compileSchedule, ScheduleError, validateTimezone } from '../../../src/policy/schedule.js';

const BERLIN = 'Europe/Berlin';
const iso = (dates: Array<Date | null>) => dates.map((d) => (d ? d.toISOString().replace('.000Z', 'Z') : null));
const at = (s: string) => new Date(s);
const NOW = at('2026-01-01T00:00:00Z');

describe('schedule occurrences in a named zone across DST (Europe/Berlin, 2026)', () => {
  // 2026-03-29: 02:00 CET (01:00Z) jumps to 03:00 CEST. 2026-10-25: 03:00 CEST (01:00Z) falls back to 02:00 CET.
  it('hourly skips the local 02:00 that does not exist on 2026-03-29: consecutive real hours', () => {
    const s = compileSchedule('0 * * * *', BERLIN, NOW);
    expect(iso(s.nextN(at('2026-03-28T23:30:00Z'), 4))).toEqual([
      '2026-03-29T00:00:00Z', // 01:00 CET
      '2026-03-29T01:00:00Z', // 03:00 CEST
      '2026-03-29T02:00:00Z', // 04:00 CEST
      '2026-03-29T03:00:00Z',
    ]);
  });

  it('hourly runs both 02:00s of 2026-10-25 (two real hours)', () => {
    const s = compileSchedule('0 * * * *', BERLIN, NOW);
    expect(iso(s.nextN(at('2026-10-24T23:30:00Z'), 4))).toEqual([
      '2026-10-25T00:00:00Z', // 02:00 CEST
      '2026-10-25T01:00:00Z', // 02:00 CET
      '2026-10-25T02:00:00Z', // 03:00 CET
      '2026-10-25T03:00:00Z',
    ]);
  });

  it('a fixed time in the spring-forward gap runs once, at the end of the gap, the same day', () => {
    const s = compileSchedule('30 2 * * *', BERLIN, NOW);
    expect(iso(s.nextN(at('2026-03-27T12:00:00Z'), 3))).toEqual([
      '2026-03-28T01:30:00Z', // 02:30 CET
      '2026-03-29T01:00:00Z', // 03:00 CEST: 02:30 does not exist
      '2026-03-30T00:30:00Z', // 02:30 CEST
    ]);
  });

  it('a fixed time that occurs twice on 2026-10-25 runs once, at the first', () => {
    const s = compileSchedule('30 2 * * *', BERLIN, NOW);
    expect(iso(s.nextN(at('2026-10-23T12:00:00Z'), 3))).toEqual([
      '2026-10-24T00:30:00Z', // 02:30 CEST
      '2026-10-25T00:30:00Z', // 02:30 CEST, not again at 02:30 CET (01:30Z)
      '2026-10-26T01:30:00Z', // 02:30 CET
    ]);
  });

  it('a list of hours is a fixed time too (as in Vixie cron): the 02:00 in the gap is not lost', () => {
    const s = compileSchedule('0 2,14 * * *', BERLIN, NOW);
    expect(iso(s.nextN(at('2026-03-28T12:00:00Z'), 3))).toEqual(['2026-03-28T13:00:00Z', '2026-03-29T01:00:00Z', '2026-03-29T12:00:00Z']);
    expect(iso(s.nextN(at('2026-10-24T12:00:00Z'), 3))).toEqual(['2026-10-25T00:00:00Z', '2026-10-25T13:00:00Z', '2026-10-26T01:00:00Z']);
  });

  it('a step in the minutes is an interval: skipped in the gap, both passes of the repeated hour', () => {
    const s = compileSchedule('*/30 2 * * *', BERLIN, NOW);
    expect(iso(s.nextN(at('2026-03-28T12:00:00Z'), 2))).toEqual(['2026-03-30T00:00:00Z', '2026-03-30T00:30:00Z']);
    expect(iso(s.nextN(at('2026-10-24T12:00:00Z'), 5))).toEqual([
      '2026-10-25T00:00:00Z',
      '2026-10-25T00:30:00Z',
      '2026-10-25T01:00:00Z',
      '2026-10-25T01:30:00Z',
      '2026-10-26T01:00:00Z',
    ]);
  });

  it('reads the expression in the zone, not in UTC or the machine zone', () => {
    expect(iso([compileSchedule('0 0 * * *', 'America/New_York', NOW).next(at('2026-07-01T00:00:00Z'))])).toEqual(['2026-07-01T04:00:00Z']);
    expect(iso([compileSchedule('0 0 * * *', 'UTC', NOW).next(at('2026-07-01T00:00:00Z'))])).toEqual(['2026-07-02T00:00:00Z']);
  });
});

describe('schedule queries', () => {
  const hourly = compileSchedule('0 * * * *', 'UTC', NOW);

  it('next is strictly after; latest is at or before', () => {
    expect(iso([hourly.next(at('2026-05-01T10:00:00Z'))])).toEqual(['2026-05-01T11:00:00Z']);
    expect(iso([hourly.latest(at('2026-05-01T10:00:00Z'))])).toEqual(['2026-05-01T10:00:00Z']);
    expect(iso([hourly.latest(at('2026-05-01T10:59:59Z'))])).toEqual(['2026-05-01T10:00:00Z']);
  });

  it('between is (from, to], oldest first', () => {
    expect(iso(hourly.between(at('2026-05-01T10:00:00Z'), at('2026-05-01T13:00:00Z')))).toEqual([
      '2026-05-01T11:00:00Z',
      '2026-05-01T12:00:00Z',
      '2026-05-01T13:00:00Z',
    ]);
    expect(hourly.between(at('2026-05-01T10:00:00Z'), at('2026-05-01T10:59:00Z'))).toEqual([]);
  });

  it('between with a limit keeps the newest occurrences, across more than one batch', () => {
    const got = hourly.between(at('2026-01-01T00:00:00Z'), at('2026-02-01T00:00:00Z'), 100);
    expect(got).toHaveLength(100);
    expect(iso([got[0]!, got[99]!])).toEqual(['2026-01-27T21:00:00Z', '2026-02-01T00:00:00Z']);
    expect(hourly.between(at('2026-01-01T00:00:00Z'), at('2026-02-01T00:00:00Z'))).toHaveLength(31 * 24);
  });

  it('between counts the repeated hour of a fall-back day once per real hour', () => {
    const s = compileSchedule('0 * * * *', BERLIN, NOW);
    expect(s.between(at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'))).toHaveLength(25);
    expect(s.between(at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'))).toHaveLength(23);
  });

  it('accepts the nicknames', () => {
    expect(iso([compileSchedule('@daily', BERLIN, NOW).next(at('2026-07-01T12:00:00Z'))])).toEqual(['2026-07-01T22:00:00Z']);
    expect(iso([compileSchedule('@hourly', 'UTC', NOW).next(at('2026-07-01T12:00:00Z'))])).toEqual(['2026-07-01T13:00:00Z']);
  });
});

describe('schedule validation', () => {
  const refused = (expr: string, tz = 'UTC') => {
    try {
      compileSchedule(expr, tz, NOW);
    } catch (err) {
      expect(err).toBeInstanceOf(ScheduleError);
      return `${(err as ScheduleError).field}: ${(err as Error).message}`;
    }
    return 'accepted';
  };

  it('refuses malformed expressions, seconds/years fields, fixed dates and @reboot', () => {
    expect(refused('61 * * * *')).toMatch(/^schedule: "61 \* \* \* \*" is not a valid cron expression \(.*minute/);
    expect(refused('0 0 * * * *')).toMatch(/^schedule: .* is not a 5-field cron expression/);
    expect(refused('0 * * *')).toMatch(/not a 5-field/);
    expect(refused('2030-01-01T00:00:00')).toMatch(/not a 5-field/);
    expect(refused('@reboot')).toMatch(/not a 5-field/);
    expect(refused('every hour')).toMatch(/not a 5-field/);
  });

  it('refuses an expression that never occurs', () => {
    expect(refused('0 0 31 2 *')).toBe('schedule: "0 0 31 2 *" never occurs');
  });

  it('refuses zones that are not IANA names', () => {
    expect(refused('0 * * * *', 'Mars/Olympus')).toBe('timezone: "Mars/Olympus" is not an IANA time zone (e.g. UTC, Europe/Berlin)');
    expect(refused('0 * * * *', '+01:00')).toMatch(/^timezone: /);
    expect(refused('0 * * * *', ' ')).toMatch(/^timezone: /);
    expect(validateTimezone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(validateTimezone('UTC')).toBe('UTC');
  });
});
