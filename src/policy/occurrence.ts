/**
 * An occurrence is one scheduled instant of one policy. Its id is stable across runs and machines:
 * `<policy>@<instant in UTC, to the second>`, e.g. `hourly-web@2026-03-29T01:00:00Z`. Policy names
 * cannot contain `@` (see POLICY_NAME_RE), so the id splits back unambiguously.
 */
export interface Occurrence {
  policy: string;
  at: Date;
  id: string;
}

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export function occurrenceId(policy: string, at: Date): string {
  return `${policy}@${formatInstant(at)}`;
}

export function occurrenceOf(policy: string, at: Date): Occurrence {
  return { policy, at, id: occurrenceId(policy, at) };
}

/** The UTC instant to the second, as occurrence ids and the journal write it: 2026-03-29T01:00:00Z. */
export function formatInstant(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Splits an occurrence id; undefined when it is not one. */
export function parseOccurrenceId(id: string): Occurrence | undefined {
  const at = id.lastIndexOf('@');
  if (at <= 0) return undefined;
  const policy = id.slice(0, at);
  const instant = id.slice(at + 1);
  if (!INSTANT_RE.test(instant)) return undefined;
  const date = new Date(instant);
  if (Number.isNaN(date.getTime()) || formatInstant(date) !== instant) return undefined;
  return { policy, at: date, id };
}
