/** The calendar periods retention counts in, read in the policy's time zone. */
export type BucketUnit = 'hour' | 'day' | 'week' | 'month' | 'year';

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  /** The zone's offset at that instant: "+02:00", "+00:00" for UTC. */
  offset: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formatters.set(timezone, f);
  }
  return f;
}

export function localParts(at: Date, timezone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timezone).formatToParts(at)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    offset: normalizeOffset(parts.timeZoneName ?? ''),
  };
}

/** ICU writes "GMT+01:00", and for a zero offset "GMT" or "GMT+00:00" depending on its version. */
function normalizeOffset(name: string): string {
  const m = /^(?:GMT|UTC)([+-]\d{2}:\d{2})?$/.exec(name);
  return m ? (m[1] ?? '+00:00') : name;
}

/**
 * The bucket an instant falls in, as a key that is equal for instants of the same bucket:
 * hour `2026-10-25 02 +02:00` (the offset keeps the two real hours of a fall-back apart), day
 * `2026-10-25`, week `2026-W43` (ISO 8601: weeks start on Monday, the week-year may differ from the
 * calendar year around New Year), month `2026-10`, year `2026`.
 */
export function bucketKey(at: Date, unit: BucketUnit, timezone: string): string {
  const p = localParts(at, timezone);
  const ymd = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  switch (unit) {
    case 'hour':
      return `${ymd} ${pad(p.hour)} ${p.offset}`;
    case 'day':
      return ymd;
    case 'week':
      return isoWeek(p.year, p.month, p.day);
    case 'month':
      return `${p.year}-${pad(p.month)}`;
    case 'year':
      return String(p.year);
  }
}

/** ISO 8601 week of a calendar date: the week (Monday-Sunday) that holds its Thursday. */
export function isoWeek(year: number, month: number, day: number): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const weekYear = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(weekYear, 0, 4));
  const firstWeekday = (firstThursday.getUTCDay() + 6) % 7;
  const week1Monday = firstThursday.getTime() - firstWeekday * 86_400_000;
  const week = 1 + Math.round((thursday.getTime() - 3 * 86_400_000 - week1Monday) / (7 * 86_400_000));
  return `${weekYear}-W${pad(week)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
