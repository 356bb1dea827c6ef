/**
 * The watchdog is a separate, detached process that outlives ccsnap. ccsnap arms it before every
 * freeze and disarms it once the guest is verified thawed. The watchdog thaws an armed guest
 * when its deadline passes, or at once when ccsnap vanishes (its stdin pipe reaches EOF, which
 * happens even on kill -9). Messages are JSON lines: ccsnap → watchdog on stdin, acks on stdout.
 */
export interface ArmMessage {
  op: 'arm';
  id: string;
  domain: string;
  host: string;
  /** A HypervisorConfig (see src/hypervisor) the watchdog uses to reach the domain. */
  hypervisor: unknown;
  /** Epoch ms after which the watchdog thaws the guest on its own. */
  deadline: number;
}

export interface DisarmMessage {
  op: 'disarm';
  id: string;
}

export type WatchdogRequest = ArmMessage | DisarmMessage | { op: 'tighten'; id: string; deadline: number } | { op: 'exit' } | { op: 'ping' };

export type WatchdogReply =
  | { op: 'ready'; pid: number }
  | { op: 'armed'; id: string }
  | { op: 'disarmed'; id: string }
  | { op: 'pong' }
  | { op: 'error'; id?: string; message: string };

/** How long the watchdog keeps checking (and re-thawing) a guest after it fired. */
export const WATCHDOG_GRACE_MS = 30_000;
