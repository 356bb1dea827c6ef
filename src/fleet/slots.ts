import type { SlotPort } from '../journal/port.js';
import { sleep } from '../util/abort.js';

/** One slot to hold: `capacity` holders at most per `scope`. */
export interface SlotClaim {
  scope: string;
  capacity: number;
  holder: string;
}

export interface HeldSlots {
  /** Frees every slot (idempotent); a release that fails leaves the slot to its lease. */
  release(): Promise<void>;
}

/** How long a waiting claim sleeps between tries: short first, then up to the cap, with jitter. */
const FIRST_WAIT_MS = 10;
const MAX_WAIT_MS = 200;

/**
 * Takes every claim, in the order given (the same order everywhere: hosts, then arrays), or none: a claim
 * that finds its scope full frees the ones taken so far and tries again later, so no worker holds a slot
 * while it waits for another. Every slot expires at now + leaseMs by the database's clock, so a worker
 * that dies frees its slots then.
 */
export async function acquireSlots(port: SlotPort, claims: readonly SlotClaim[], leaseMs: number, signal?: AbortSignal): Promise<HeldSlots> {
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(MAX_WAIT_MS, wait * 2)) {
    const taken: SlotClaim[] = [];
    let full = false;
    for (const c of claims) {
      if (!(await port.tryAcquire(c.scope, c.capacity, c.holder, leaseMs))) {
        full = true;
        break;
      }
      taken.push(c);
    }
    if (!full) return heldSlots(port, taken);
    await releaseAll(port, taken);
    await sleep(wait / 2 + Math.random() * wait, signal);
  }
}

function heldSlots(port: SlotPort, taken: SlotClaim[]): HeldSlots {
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await releaseAll(port, taken);
    },
  };
}

async function releaseAll(port: SlotPort, taken: readonly SlotClaim[]): Promise<void> {
  await Promise.allSettled(taken.map((c) => port.release(c.scope, c.holder)));
}
