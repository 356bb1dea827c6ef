import type { SandboxDomain } from '../state.js';

/** Per-domain facts that live only as long as the sandbox process (not in the state file). */
export interface DomainRuntime {
  /** `virsh guest-agent-timeout` value: -2/-1 = block forever (libvirt's default), 0 = no wait, N seconds. */
  agentTimeoutSec: number;
  /** Filesystems frozen by the current freeze (thaw reports this number). */
  frozenCount: number;
  /** Commands that timed out while the agent hung; the agent runs them when it comes back (like qemu-ga). */
  queued: Array<{ command: string; run: () => void }>;
  /** Whether queued commands run when the agent recovers ('run', the real behaviour) or are dropped. */
  onRecovery: 'run' | 'drop';
  /** Resolved when the agent model leaves 'hang' (or the domain changes). */
  waiters: Array<() => void>;
  /** libvirt's agent job on this domain: who holds it, and the calls waiting for it. */
  jobHolder: string | undefined;
  jobWaiters: Array<() => void>;
  /** How long a call waits for the job before libvirt's "cannot acquire state change lock" (30 s). */
  lockWaitMs: number;
  /** Settles when the agent has finished the command it is running (undefined: idle). */
  agentBusy: Promise<void> | undefined;
}

const runtimes = new WeakMap<SandboxDomain, DomainRuntime>();

export function runtimeOf(d: SandboxDomain): DomainRuntime {
  let rt = runtimes.get(d);
  if (!rt) {
    rt = {
      agentTimeoutSec: -1,
      frozenCount: d.frozen ? d.mountpoints.length : 0,
      queued: [],
      onRecovery: 'run',
      waiters: [],
      jobHolder: undefined,
      jobWaiters: [],
      lockWaitMs: 30_000,
      agentBusy: undefined,
    };
    runtimes.set(d, rt);
  }
  return rt;
}

/** Applies a Windows-style auto-thaw that fell due since the last look, stamped with the time it happened. */
export function settle(d: SandboxDomain, now = Date.now()): void {
  if (d.frozen && d.autoThawMs !== undefined && d.frozenSince !== undefined && now - d.frozenSince >= d.autoThawMs) {
    const at = d.frozenSince + d.autoThawMs;
    d.frozen = false;
    delete d.frozenSince;
    runtimeOf(d).frozenCount = 0;
    d.events.push({ at, kind: 'auto-thaw', detail: `agent thawed by itself after ${d.autoThawMs} ms` });
  }
}

export function markFrozen(d: SandboxDomain, count: number, detail?: string): void {
  const now = Date.now();
  d.frozen = true;
  d.frozenSince = now;
  runtimeOf(d).frozenCount = count;
  d.events.push({ at: now, kind: 'freeze', ...(detail ? { detail } : {}) });
}

export function markThawed(d: SandboxDomain): number {
  const rt = runtimeOf(d);
  const count = d.frozen ? rt.frozenCount : 0;
  if (d.frozen) {
    d.frozen = false;
    delete d.frozenSince;
    rt.frozenCount = 0;
    d.events.push({ at: Date.now(), kind: 'thaw', detail: `${count} filesystem(s)` });
  }
  return count;
}

/** Waits while the agent hangs: until it recovers (true) or `timeoutSec` elapses (false). */
export function waitForAgent(d: SandboxDomain, timeoutSec: number): Promise<boolean> {
  if (d.agent !== 'hang') return Promise.resolve(true);
  if (timeoutSec === 0) return Promise.resolve(false);
  const rt = runtimeOf(d);
  return new Promise((resolve) => {
    const wake = (): void => {
      if (timer) clearTimeout(timer);
      resolve(true);
    };
    const timer =
      timeoutSec > 0
        ? setTimeout(() => {
            rt.waiters = rt.waiters.filter((w) => w !== wake);
            resolve(false);
          }, timeoutSec * 1000)
        : undefined;
    rt.waiters.push(wake);
  });
}

/** Called after a control change of the agent model: wakes waiters and runs (or drops) queued commands. */
export function agentChanged(d: SandboxDomain): void {
  if (d.agent === 'hang') return;
  const rt = runtimeOf(d);
  for (const wake of rt.waiters.splice(0)) wake();
  const queued = rt.queued.splice(0);
  if (rt.onRecovery === 'run' && d.agent === 'ok' && d.state === 'running') for (const q of queued) q.run();
}
