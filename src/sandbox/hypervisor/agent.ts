import type { SandboxDomain } from '../state.js';
import type { FaultRegistry } from '../faults.js';
import { runtimeOf, waitForAgent } from './model.js';

/**
 * How libvirt (9.x) and qemu-ga run agent commands, as measured on a real guest:
 * - one agent job per domain at a time (libvirt's state change lock); a call that finds it held waits up
 *   to 30 s (per domain: lockWaitMs), then fails with "cannot acquire state change lock (held by agent=remoteDispatch...)"; waiting
 *   calls are not served in arrival order;
 * - the agent itself runs one command at a time; libvirt waits for its answer up to the agent timeout
 *   (-1/-2: for ever). A command that timed out is NOT cancelled: the agent finishes it later (a freeze
 *   "fails" and lands afterwards), and stays busy until then; the next call's guest-sync fails after 5 s while
 *   it is busy (a per-call --timeout does not shorten that);
 * - a call whose virsh client was killed is carried out all the same (nothing here watches the client).
 */

export interface AgentCall {
  /** libvirt's job name in the lock error, e.g. remoteDispatchDomainFSFreeze. */
  job: string;
  /** virsh's prefix line of the error, e.g. "Unable to freeze filesystems". */
  what?: string;
  /** The agent command, e.g. guest-fsfreeze-freeze (also the fault key: freeze, thaw, status, ...). */
  agentCmd: string;
  /** libvirt's agent timeout for this call in seconds (-1/-2 block, 0 no wait). */
  timeoutSec: number;
  /** Extra time the agent takes (a slow fsfreeze hook). */
  delayMs?: number;
  /** The command's effect and answer, applied when the agent finishes it (even after the caller gave up). */
  run: (late: boolean) => Output;
  /** For a hung agent ('hang' model): runs the command when the agent comes back (the caller got an error). */
  queueOnHang?: () => void;
  onFail?: (why: string) => void;
}

export interface Output {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** libvirt's guest-sync wait (QEMU_AGENT_WAIT_TIME). */
const SYNC_WAIT_SEC = 5;
const NOT_AVAILABLE = 'Guest agent is not responding: Guest agent not available for now';
const fail = (...lines: string[]): Output => ({ stdout: '', stderr: lines.map((l) => `error: ${l}\n`).join(''), exitCode: 1 });

/** Fault keys of `ccsnap sandbox faults add --service agent --key ...`. */
export function faultKeyOf(agentCmd: string): string {
  const m = /^guest-fsfreeze-(freeze|thaw|status)$/.exec(agentCmd);
  return m ? m[1]! : agentCmd.replace(/^guest-/, '');
}

/** Runs one agent call through the domain's job lock and its agent, libvirt's way. */
export async function runAgentCall(faults: FaultRegistry, d: SandboxDomain, call: AgentCall): Promise<Output> {
  const failWith = (why: string, text: string): Output => {
    call.onFail?.(why);
    return fail(...(call.what ? [call.what] : []), text);
  };
  const release = await acquireJob(d, call.job);
  if (!release)
    return failWith('state change lock', `Timed out during operation: cannot acquire state change lock (held by agent=${runtimeOf(d).jobHolder ?? 'unknown'})`);
  try {
    if (d.agent === 'hang') {
      const back = await waitForAgent(d, call.timeoutSec);
      if (!back) {
        if (call.queueOnHang) runtimeOf(d).queued.push({ command: call.agentCmd, run: call.queueOnHang });
        return failWith('agent timeout', NOT_AVAILABLE);
      }
    }
    const rt = runtimeOf(d);
    // guest-sync: the agent must be free (done with any earlier command) within libvirt's sync wait, 5 s (or the
    // domain's shorter agent timeout); a per-call --timeout does not shorten it (measured).
    const syncSec = rt.agentTimeoutSec >= 0 ? Math.min(SYNC_WAIT_SEC, rt.agentTimeoutSec) : SYNC_WAIT_SEC;
    if (rt.agentBusy && !(await within(rt.agentBusy, syncSec))) return failWith('agent busy (guest-sync timed out)', NOT_AVAILABLE);
    const fault = faults.take('agent', faultKeyOf(call.agentCmd), d.name);
    let late = false;
    const execution = (async (): Promise<Output> => {
      const delay = (call.delayMs ?? 0) + (fault?.latencyMs ?? 0);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (fault?.hang) await faults.whenRemoved(fault);
      return call.run(late);
    })();
    const busy = execution.then(
      () => undefined,
      () => undefined,
    );
    rt.agentBusy = busy;
    void busy.then(() => {
      if (rt.agentBusy === busy) rt.agentBusy = undefined;
    });
    const answered = await within(execution, call.timeoutSec);
    if (!answered) {
      late = true;
      return failWith('agent timeout (the command still runs in the guest)', NOT_AVAILABLE);
    }
    return await execution;
  } finally {
    release();
  }
}

/** Resolves true when `p` settles within `timeoutSec` (negative: wait for ever), false otherwise. */
function within(p: Promise<unknown>, timeoutSec: number): Promise<boolean> {
  if (timeoutSec < 0)
    return p.then(
      () => true,
      () => true,
    );
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutSec * 1000);
    p.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/** Takes the domain's agent job, waiting up to its lock wait (30 s); resolves its release, or undefined on timeout. */
function acquireJob(d: SandboxDomain, job: string): Promise<(() => void) | undefined> {
  const rt = runtimeOf(d);
  const grant = (): (() => void) => {
    rt.jobHolder = job;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      rt.jobHolder = undefined;
      // Not FIFO: libvirt wakes whichever waiter gets the lock first.
      const next = rt.jobWaiters.splice(Math.floor(Math.random() * rt.jobWaiters.length), 1)[0];
      next?.();
    };
  };
  if (rt.jobHolder === undefined) return Promise.resolve(grant());
  return new Promise((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      resolve(grant());
    };
    const timer = setTimeout(() => {
      rt.jobWaiters = rt.jobWaiters.filter((w) => w !== wake);
      resolve(undefined);
    }, rt.lockWaitMs);
    rt.jobWaiters.push(wake);
  });
}
