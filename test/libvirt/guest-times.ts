/**
 * Guest-side freeze and thaw times, read from the console lines of scripts/realvm/setup.sh's fsfreeze hook and
 * writer (see test/libvirt/README.md). All times are the guest's /proc/uptime in seconds (10 ms steps).
 */

export interface FreezeWindow {
  /** The agent received the freeze (the hook began): no earlier than ccsnap sent it. */
  receivedAt: number;
  /** The hook ended: the filesystems froze right after (a lower bound of the freeze's effect). */
  landedAt?: number;
  /** First thaw after the landing: the earlier of the thaw hook's line and the end of a blocked write. */
  thawedAt?: number;
  /** The thaw hook's own line (runs after the filesystems are thawed). */
  thawHookAt?: number;
  /** The writer's write held across the landing: [from, to] and its length. */
  writerBlocked?: { from: number; to: number; ms: number };
}

export interface GuestTimes {
  windows: FreezeWindow[];
  /** Thaw hook lines not following a landing (thaw calls with nothing to thaw). */
  otherThaws: number[];
}

type Event = { kind: 'begin' | 'end' | 'thaw'; t: number } | { kind: 'blocked'; t: number; from: number; ms: number };

const PATTERNS: Array<[RegExp, (m: RegExpExecArray) => Event]> = [
  [/ccsnap-hook: freeze begin ([\d.]+)/, (m) => ({ kind: 'begin', t: Number(m[1]) })],
  [/ccsnap-hook: freeze end ([\d.]+)/, (m) => ({ kind: 'end', t: Number(m[1]) })],
  [/ccsnap-hook: thaw ([\d.]+)/, (m) => ({ kind: 'thaw', t: Number(m[1]) })],
  [/ccsnap-writer: blocked (\d+) ms from ([\d.]+) to ([\d.]+)/, (m) => ({ kind: 'blocked', ms: Number(m[1]), from: Number(m[2]), t: Number(m[3]) })],
];

/** The hook's and the writer's events in console order. */
export function parseGuestEvents(lines: string[]): Event[] {
  const events: Event[] = [];
  for (const line of lines) {
    for (const [re, make] of PATTERNS) {
      const m = re.exec(line);
      if (m) events.push(make(m));
    }
  }
  return events;
}

/** Pairs each freeze the agent received with its landing and the first thaw after it. */
export function guestTimes(lines: string[]): GuestTimes {
  const events = parseGuestEvents(lines);
  const windows: FreezeWindow[] = [];
  const otherThaws: number[] = [];
  for (const e of events) {
    const open = windows.at(-1);
    if (e.kind === 'begin') windows.push({ receivedAt: e.t });
    else if (e.kind === 'end' && open && open.landedAt === undefined) open.landedAt = e.t;
    else if (e.kind === 'thaw') {
      if (open?.landedAt !== undefined && open.thawHookAt === undefined) open.thawHookAt = e.t;
      else otherThaws.push(e.t);
    }
  }
  for (const w of windows) {
    if (w.landedAt === undefined) continue;
    // a write that blocked across the landing and ended before (or at) the thaw hook's line
    const held = events.filter(
      (e): e is Extract<Event, { kind: 'blocked' }> => e.kind === 'blocked' && e.t >= w.landedAt! && e.from <= (w.thawHookAt ?? Infinity),
    );
    const last = held.at(-1);
    if (last) w.writerBlocked = { from: last.from, to: last.t, ms: last.ms };
    const candidates = [w.thawHookAt, last?.t].filter((t): t is number => t !== undefined);
    if (candidates.length > 0 && w.thawHookAt !== undefined) w.thawedAt = Math.min(...candidates);
  }
  return { windows, otherThaws };
}

/** One line for the test output. */
export function describeWindow(w: FreezeWindow): string {
  const f = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(2));
  const rel = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '-' : `${(a - b).toFixed(2)} s`);
  return [
    `received ${f(w.receivedAt)}`,
    `landed ${f(w.landedAt)} (+${rel(w.landedAt, w.receivedAt)})`,
    `thawed ${f(w.thawedAt)} (hook ${f(w.thawHookAt)}, writer ${w.writerBlocked ? `blocked ${w.writerBlocked.ms} ms ${f(w.writerBlocked.from)}..${f(w.writerBlocked.to)}` : 'not held >100 ms'})`,
    `frozen ${rel(w.thawedAt, w.landedAt)} after landing, ${rel(w.thawedAt, w.receivedAt)} after the agent received the freeze`,
  ].join('; ');
}
