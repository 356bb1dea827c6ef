import { Cron } from 'croner';

/**
 * A policy's schedule: a 5-field cron expression (minute hour day-of-month month day-of-week, or a
 * nickname such as @hourly) read in an IANA time zone. Occurrences are instants (Date, UTC).
 *
 * Daylight saving time, as Vixie cron (croner's DST rules, with `fixedTimeRule: 'no-wildcard'`):
 * - a fixed time (no `*` or step in minute and hour, e.g. `30 2 * * *` or `0 2,14 * * *`) that falls in
 *   the spring-forward gap runs once at the first valid time after the gap, the same day; one that occurs
 *   twice (fall back) runs once, at its first occurrence;
 * - an interval (`0 * * * *`, `*\/15 * * * *`) skips the times that do not exist and runs at both instants
 *   of a repeated time: every occurrence is a distinct real instant.
 */
export interface Schedule {
  readonly expression: string;
  readonly timezone: string;
  /** The first occurrence strictly after `after`, or null when there is none. */
  next(after: Date): Date | null;
  /** The next `count` occurrences strictly after `after`. */
  nextN(after: Date, count: number): Date[];
  /** The latest occurrence at or before `at`, or null. */
  latest(at: Date): Date | null;
  /** Occurrences in (from, to], oldest first, at most `limit` (the newest ones when there are more). */
  between(from: Date, to: Date, limit?: number): Date[];
}

/** Thrown for an expression or zone that cannot be a schedule; the config parser names the policy and field. */
export class ScheduleError extends Error {
  constructor(
    readonly field: 'schedule' | 'timezone',
    message: string,
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}

const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const DEFAULT_BETWEEN_LIMIT = 10_000;

/** Checks an IANA time zone name (`UTC`, `Europe/Berlin`); offsets such as `+01:00` are not zones. */
export function validateTimezone(timezone: string): string {
  if (timezone.trim() === '' || /^[+-]/.test(timezone)) throw new ScheduleError('timezone', `"${timezone}" is not an IANA time zone (e.g. UTC, Europe/Berlin)`);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ScheduleError('timezone', `"${timezone}" is not an IANA time zone (e.g. UTC, Europe/Berlin)`);
  }
  return timezone;
}

/**
 * Compiles `expression` in `timezone`, refusing what would never run: a malformed expression, seconds or
 * years fields, a fixed date, or an expression with no occurrence after `now` (e.g. `0 0 31 2 *`).
 */
export function compileSchedule(expression: string, timezone: string, now: Date = new Date()): Schedule {
  validateTimezone(timezone);
  const text = expression.trim();
  if (!NICKNAMES.has(text.toLowerCase()) && text.split(/\s+/).length !== 5) {
    throw new ScheduleError(
      'schedule',
      `"${expression}" is not a 5-field cron expression (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly, @yearly`,
    );
  }
  let cron: Cron;
  try {
    cron = new Cron(text, { timezone, paused: true, mode: '5-part', fixedTimeRule: 'no-wildcard' });
  } catch (err) {
    throw new ScheduleError('schedule', `"${expression}" is not a valid cron expression (${firstLine(err)})`);
  }
  if (cron.nextRun(now) === null) throw new ScheduleError('schedule', `"${expression}" never occurs`);
  return scheduleOf(cron, text, timezone);
}

function scheduleOf(cron: Cron, expression: string, timezone: string): Schedule {
  const next = (after: Date): Date | null => cron.nextRun(after);
  return {
    expression,
    timezone,
    next,
    nextN: (after, count) => (count > 0 ? cron.nextRuns(count, after) : []),
    // previousRuns is exclusive of its reference; schedules are minute-level, so 1 ms later includes `at`.
    latest: (at) => cron.previousRuns(1, new Date(at.getTime() + 1))[0] ?? null,
    between: (from, to, limit = DEFAULT_BETWEEN_LIMIT) => collectBetween(cron, from, to, limit),
  };
}

/** Walks back from `to` (the newest first), so a limit keeps the newest occurrences. */
function collectBetween(cron: Cron, from: Date, to: Date, limit: number): Date[] {
  const out: Date[] = [];
  let ref = new Date(to.getTime() + 1);
  while (out.length < limit) {
    const prev = cron.previousRuns(Math.min(64, limit - out.length), ref);
    let stop = prev.length === 0;
    for (const d of prev) {
      if (d.getTime() <= from.getTime()) {
        stop = true;
        break;
      }
      out.push(d);
    }
    if (stop) break;
    ref = prev[prev.length - 1]!;
  }
  return out.reverse();
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.replace(/^CronPattern: /, '');
}
