import { CcsnapError } from '../../errors.js';

/** The clocks a lease is judged by here (tests give their own). */
export interface LeaseClocks {
  /** Monotonic milliseconds (never jumps with the wall clock). */
  mono(): number;
  /** Wall-clock milliseconds (keeps counting while the machine sleeps, which the monotonic clock does not). */
  wall(): number;
}

/** Renewals one write waits for before it gives up (each answered too late to leave half a lease). */
const MAX_RENEWALS_PER_WRITE = 3;

const SYSTEM_CLOCKS: LeaseClocks = { mono: () => performance.now(), wall: () => Date.now() };

/**
 * This process's lease as an owner of the journal's records, and the fence that goes with it. The server
 * decides: another worker may take over this owner's operations, locks and occurrences once the server's
 * clock is past the lease (a process stopped, stalled or cut off longer than the lease). From then on this
 * process must write nothing, or it would undo that takeover (finish a set the other cleaned up, release a
 * lock the other holds). So:
 * - a renewal never revives a lease that ran out (`renew` answers false: it is lost, for good);
 * - a write goes out only while the lease is known to run for at least half its length more, counted from
 *   when the last renewal the server confirmed was sent; past that, the write first renews (a late
 *   heartbeat is not a lost lease) and is refused if the server says the lease ran out.
 */
export class Lease {
  private lost = false;
  private confirmedAt: { mono: number; wall: number } | undefined;
  private renewing: Promise<void> | undefined;
  private readonly listeners = new Set<(err: CcsnapError) => void>();

  constructor(
    /** Extends the lease by the server's clock; false when it had already run out there. */
    private readonly renew: () => Promise<boolean>,
    readonly ms: number,
    readonly ownerId: string,
    private readonly clocks: LeaseClocks = SYSTEM_CLOCKS,
  ) {}

  /** Registration made the lease run from a request sent at `sent` (a `stamp()`). */
  started(sent: { mono: number; wall: number }): void {
    this.lost = false;
    this.confirmedAt = sent;
  }

  /** The clocks now, to pass to `started` once the request sent now is confirmed. */
  stamp(): { mono: number; wall: number } {
    return { mono: this.clocks.mono(), wall: this.clocks.wall() };
  }

  /** The heartbeat: renews; a refusal fences this process. A failed request (server away) only throws. */
  beat(): Promise<void> {
    this.renewing ??= this.renewNow().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  /**
   * Before a write: throws CCSNAP_JOURNAL_LEASE_LOST when fenced; renews first when the margin is gone, until
   * it is back (a renewal that was answered only after a long stop leaves it gone: the next is refused).
   */
  async ensure(): Promise<void> {
    for (let renewals = 0; ; renewals++) {
      if (this.lost) throw this.lostError();
      if (this.isFresh()) return;
      if (renewals === MAX_RENEWALS_PER_WRITE) throw this.slowError();
      await this.beat();
    }
  }

  /** Called once, when the server refuses a renewal (at once if it already has). Returns the unsubscribe. */
  onLost(listener: (err: CcsnapError) => void): () => void {
    if (this.lost) listener(this.lostError());
    else this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** True once the server refused a renewal: nothing more is written. */
  get fenced(): boolean {
    return this.lost;
  }

  /** Whether at least half the lease is known left (a write may go out now). */
  isFresh(): boolean {
    const at = this.confirmedAt;
    if (!at) return false;
    // The larger of the two elapsed times: a wall clock set back, or a machine asleep, cannot stretch the lease.
    const elapsed = Math.max(this.clocks.mono() - at.mono, this.clocks.wall() - at.wall);
    return elapsed < this.ms / 2;
  }

  private async renewNow(): Promise<void> {
    if (this.lost) return;
    const sent = this.stamp();
    if (await this.renew()) {
      this.confirmedAt = sent;
      return;
    }
    this.lost = true;
    const err = this.lostError();
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) {
      try {
        listener(err);
      } catch {
        // A listener's failure is its own: the others still hear of the loss, and the fence holds.
      }
    }
  }

  private slowError(): CcsnapError {
    return new CcsnapError(
      'CCSNAP_JOURNAL_UNAVAILABLE',
      `journal: renewing this process's lease took longer than half of it (${this.ms / 2} ms) ${MAX_RENEWALS_PER_WRITE} times in a row; the write was not sent`,
      { details: { ownerId: this.ownerId, leaseMs: this.ms } },
    );
  }

  private lostError(): CcsnapError {
    return new CcsnapError(
      'CCSNAP_JOURNAL_LEASE_LOST',
      `journal: this process's lease ran out (no heartbeat reached PostgreSQL for ${this.ms} ms: the process was stopped, stalled or cut off); another worker may have taken over its operations, so it writes nothing more; restart it`,
      { details: { ownerId: this.ownerId, leaseMs: this.ms } },
    );
  }
}
