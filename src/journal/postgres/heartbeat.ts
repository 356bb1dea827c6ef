/**
 * Renews a lease every `intervalMs` (a third of the lease) on an unref'd timer, so it never keeps a process
 * alive. A beat that fails (server briefly away) is dropped: if the server stays away longer than the lease,
 * the lease runs out, which is what a lease is for. One beat at a time; stop() waits for the one in flight.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** Beats that failed since the last one that succeeded (for diagnostics and tests). */
  failures = 0;

  constructor(
    private readonly beat: () => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private tick(): void {
    if (this.inFlight) return;
    this.inFlight = this.beat()
      .then(
        () => void (this.failures = 0),
        () => void this.failures++,
      )
      .finally(() => (this.inFlight = undefined));
  }
}
