/**
 * The watchdog is a separate, detached process that outlives ccsnap. ccsnap arms it before every
 * freeze (the watchdog opens its own connection to the host then), tells it the instant the freeze is
 * sent (`freezing`: the deadline is freeze sent + max-freeze + WATCHDOG_LAG_MS), and disarms it once
 * the agent answered "thawed" after the freeze. The watchdog guards an armed guest (thaws and
 * re-checks until the agent answers "thawed", for up to the guard time) when its deadline passes,
 * when ccsnap hands it over (`guard`), or at once when ccsnap vanishes (its stdin pipe reaches EOF,
 * which happens even on kill -9). Messages are JSON lines: ccsnap → watchdog on stdin, replies on stdout;
 * each side checks every line it reads (watchdog-parse.ts) and ignores one it cannot read.
 */
import type { HypervisorConfig } from '../hypervisor/types.js';

export interface ArmMessage {
  op: 'arm';
  id: string;
  domain: string;
  host: string;
  /** How the watchdog reaches the domain (ccsnap's config, the URI resolved for the host). */
  hypervisor: HypervisorConfig;
  /** How long the watchdog keeps thawing and re-checking once it fires. */
  guardMs: number;
  /** Bound of each thaw or status call it makes. */
  callTimeoutMs: number;
}

/** What the watchdog did for one guest, reported in the `disarmed` reply. */
export interface WatchdogThaw {
  /** Why it fired: "deadline passed", "ccsnap vanished", "handed over". */
  why: string;
  /** Epoch ms: its first thaw call sent; the thaw call that thawed filesystems sent and returned. */
  firedAt: number;
  thawSentAt: number | null;
  thawedAt: number | null;
  thawedFilesystems: number;
  verified: boolean;
}

/** Ahead of the freeze (during the pre-checks): open the connection the watchdog would thaw through. */
export interface PrepareMessage {
  op: 'prepare';
  domain: string;
  host: string;
  hypervisor: HypervisorConfig;
}

/** The freeze request is leaving now: fire at `deadline` (epoch ms) unless disarmed. */
export interface FreezingMessage {
  op: 'freezing';
  id: string;
  deadline: number;
}

/** ccsnap could not confirm the thaw: guard the guest now, for the whole guard time. */
export interface GuardMessage {
  op: 'guard';
  id: string;
}

/** The agent answered "thawed" after the freeze: stop watching (reply: what the watchdog did, if it fired). */
export interface DisarmMessage {
  op: 'disarm';
  id: string;
}

/** ccsnap is done: exit once nothing is armed or guarded. */
export interface ExitMessage {
  op: 'exit';
}

export interface PingMessage {
  op: 'ping';
}

export type WatchdogRequest = ArmMessage | PrepareMessage | FreezingMessage | GuardMessage | DisarmMessage | ExitMessage | PingMessage;

export type WatchdogReply =
  | { op: 'ready'; pid: number }
  | { op: 'armed'; id: string }
  | { op: 'guarding'; id: string }
  | { op: 'disarmed'; id: string; thaw?: WatchdogThaw }
  | { op: 'pong' }
  | { op: 'error'; id?: string; message: string };

/**
 * The watchdog's deadline lags ccsnap's own by this much, so that a live ccsnap thaws first and
 * records it; a stopped or hung ccsnap is covered by the watchdog within the bound's ε.
 */
export const WATCHDOG_LAG_MS = 100;

/** The documented bound: a guest is thawed at most max-freeze + THAW_EPSILON_MS after the freeze was sent. */
export const THAW_EPSILON_MS = 250;

/** Default of create.thaw_guard: how long whoever thaws keeps re-checking a guest whose agent does not answer. */
export const DEFAULT_THAW_GUARD_MS = 600_000;
