/** One guest filesystem as `virsh domfsinfo` reports it. */
export interface GuestFilesystem {
  mountpoint: string;
  name: string;
  type: string;
  /** Disk target(s), e.g. "vda" or "vda,vdb". */
  target: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface FreezeOptions extends CallOptions {
  /** Freeze only these mount points (the real agent silently skips unknown ones). */
  mountpoints?: string[];
}

/**
 * The guest-agent operations ccsnap needs from one compute host. Every call is bounded by the libvirt agent
 * timeout (`agentTimeoutSec`) and by a process/RPC deadline (`commandTimeoutMs`).
 * A failed freeze throws a CcsnapError whose `details.mayBeFrozen` says whether the caller must thaw anyway
 * (see `freezeMayHaveTakenEffect`).
 */
export interface Hypervisor {
  freeze(domain: string, options?: FreezeOptions): Promise<{ filesystems: number }>;
  thaw(domain: string, options?: CallOptions): Promise<{ filesystems: number }>;
  freezeStatus(domain: string, options?: CallOptions): Promise<'frozen' | 'thawed'>;
  ping(domain: string, options?: CallOptions): Promise<void>;
  /** "running", "shut off", "paused", ... (first word group of `virsh domstate`). */
  domainState(domain: string, options?: CallOptions): Promise<string>;
  fsInfo(domain: string, options?: CallOptions): Promise<GuestFilesystem[]>;
  close(): Promise<void>;
}

export interface HypervisorConfig {
  /** libvirt URI template; `{host}` is replaced by the compute host (Nova's OS-EXT-SRV-ATTR:host). */
  uriTemplate: string;
  /** The virsh program (path or name on PATH). */
  virsh: string;
  /** Seconds libvirt waits for the guest agent (`virsh guest-agent-timeout`, `qemu-agent-command --timeout`). 0 = do not set. */
  agentTimeoutSec: number;
  /** Deadline in ms for one operation (process / RPC); on expiry the virsh process is killed. */
  commandTimeoutMs: number;
  /** 'persistent': one connected `virsh` per URI driven over stdin; 'oneshot': one `virsh` process per command. */
  session: 'persistent' | 'oneshot';
  /** Extra environment for virsh (e.g. LIBVIRT_DEFAULT_URI is ignored: `-c` is always passed). */
  env?: Record<string, string>;
}

/** A hypervisor connection held by one operation until released. */
export interface HypervisorLease {
  hypervisor: Hypervisor;
  release(): void;
}

export interface HypervisorPool {
  forHost(host: string): Hypervisor;
  /** A connection of its own (reused after release), so concurrent operations on a host do not queue behind each other. */
  lease(host: string): HypervisorLease;
  uriFor(host: string): string;
  close(): Promise<void>;
}

/** What running one virsh command produced. */
export interface VirshResult {
  stdout: string;
  stderr: string;
  /** Process exit status (one-shot), or 1/0 from the presence of `error:` lines (persistent session). */
  exitCode: number;
  durationMs: number;
}

/** Runs virsh commands against one URI. `argv` is the command and its arguments, without `-c URI`. */
export interface VirshRunner {
  readonly uri: string;
  run(argv: string[], options: { signal: AbortSignal; urgent?: boolean }): Promise<VirshResult>;
  close(): Promise<void>;
}
