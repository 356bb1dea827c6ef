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

export class Transcript {
  private entries: TranscriptEntry[] = [];
  private seq = 0;

  begin(entry: Omit<TranscriptEntry, 'seq' | 'at'>): TranscriptEntry {
    const full: TranscriptEntry = { ...entry, seq: ++this.seq, at: performance.timeOrigin + performance.now() };
    this.entries.push(full);
    return full;
  }

  finish(entry: TranscriptEntry, status: number): void {
    entry.status = status;
    entry.doneAt = performance.timeOrigin + performance.now();
  }

  /** All entries since `sinceSeq` (exclusive). Entries are in seq order, so this is a slice, not a scan. */
  list(sinceSeq = 0): TranscriptEntry[] {
    const first = this.entries[0]?.seq ?? this.seq + 1;
    return this.entries.slice(Math.max(0, sinceSeq - first + 1));
  }

  /** The newest entry (the request being served, for a handler). */
  latest(): TranscriptEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  lastSeq(): number {
    return this.seq;
  }
}
