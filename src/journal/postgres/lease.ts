import { CcsnapError } from '../../errors.js';

/** The clocks a lease is judged by here (tests give their own). */
export interface LeaseClocks {
  /** Monotonic milliseconds (never jumps with the wall clock). */
  mono(): number;
  /** Wall-clock milliseconds (keeps counting while the machine sleeps, which the monotonic clock does not). */
  wall(): number;
}

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

  /** Before a write: throws CCSNAP_JOURNAL_LEASE_LOST when fenced; renews first when the margin is gone. */
  async ensure(): Promise<void> {
    if (this.lost) throw this.lostError();
    if (this.fresh()) return;
    await this.beat();
    if (this.lost) throw this.lostError();
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

  private fresh(): boolean {
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
    for (const listener of [...this.listeners]) listener(err);
    this.listeners.clear();
  }

  private lostError(): CcsnapError {
    return new CcsnapError(
      'CCSNAP_JOURNAL_LEASE_LOST',
      `journal: this process's lease ran out (no heartbeat reached PostgreSQL for ${this.ms} ms: the process was stopped, stalled or cut off); another worker may have taken over its operations, so it writes nothing more; restart it`,
      { details: { ownerId: this.ownerId, leaseMs: this.ms } },
    );
  }
}
