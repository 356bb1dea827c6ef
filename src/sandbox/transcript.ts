/** Every request the sandbox serves is recorded, so tests can assert the order of calls. */
export interface TranscriptEntry {
  seq: number;
  /** Wall-clock epoch milliseconds (fractional) when the request arrived. */
  at: number;
  /** Epoch milliseconds when the response was sent. */
  doneAt?: number;
  /** "keystone" | "nova" | "cinder" | "glance" | "neutron" | "array" | "hypervisor" | "control" | "unknown" */
  service: string;
  method: string;
  path: string;
  query: string;
  status?: number;
  /** For the array: the `command` parameter; for the hypervisor: the virsh command; otherwise undefined. */
  command?: string;
  /** Free-form facts, e.g. the domain or the filesystem id. Never secrets. */
  info?: Record<string, unknown>;
}

/** Requests a transcript keeps by default: the newest 100,000 (a few tens of MB; a list of 10⁴ instances sends 2·10⁴). */
export const TRANSCRIPT_LIMIT = 100_000;

/**
 * The requests served, newest last, at most `limit` of them: a sandbox that serves for days (`ccsnap sandbox
 * serve`, a bench) must not grow with every request it ever answered. Older entries are dropped in steps (a
 * quarter of the limit at a time); `firstSeq()` says where the kept ones begin.
 */
export class Transcript {
  private entries: TranscriptEntry[] = [];
  private seq = 0;

  constructor(private readonly limit = TRANSCRIPT_LIMIT) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`transcript limit must be a positive integer, got ${limit}`);
  }

  begin(entry: Omit<TranscriptEntry, 'seq' | 'at'>): TranscriptEntry {
    const full: TranscriptEntry = { ...entry, seq: ++this.seq, at: performance.timeOrigin + performance.now() };
    this.entries.push(full);
    if (this.entries.length > this.limit + Math.max(1, Math.floor(this.limit / 4))) this.entries.splice(0, this.entries.length - this.limit);
    return full;
  }

  finish(entry: TranscriptEntry, status: number): void {
    entry.status = status;
    entry.doneAt = performance.timeOrigin + performance.now();
  }

  /** The entries kept since `sinceSeq` (exclusive). Entries are in seq order, so this is a slice, not a scan. */
  list(sinceSeq = 0): TranscriptEntry[] {
    return this.entries.slice(Math.max(0, sinceSeq - this.firstSeq() + 1));
  }

  /** The seq of the oldest entry kept (the next seq when none is). */
  firstSeq(): number {
    return this.entries[0]?.seq ?? this.seq + 1;
  }

  /** The newest entry (the request being served, for a handler). */
  latest(): TranscriptEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  lastSeq(): number {
    return this.seq;
  }
}
