import { fileURLToPath } from 'node:url';
import type { SandboxDomain } from '../state.js';
import type { DomainPatch } from './plugin.js';

/** Absolute path of the virsh-compatible sandbox program (bin/sandbox-virsh.js, executable). */
export function sandboxVirshPath(): string {
  return fileURLToPath(new URL('../../../bin/sandbox-virsh.js', import.meta.url));
}

/** The libvirt URI template for a sandbox: sandbox+http://127.0.0.1:PORT/{host}. */
export function sandboxUriTemplate(sandboxUrl: string): string {
  return `sandbox+${sandboxUrl.replace(/\/+$/, '')}/{host}`;
}

export type SandboxDomainView = SandboxDomain & {
  agentTimeoutSec: number;
  queued: string[];
  onRecovery: 'run' | 'drop';
  /** libvirt's agent job: who holds it, how many calls wait, how long they may wait; whether the agent is busy. */
  jobHolder: string | null;
  jobWaiters: number;
  lockWaitMs: number;
  agentBusy: boolean;
};

/** The domain as the sandbox sees it now (auto-thaw applied), with its freeze/thaw events on the sandbox's clock. */
export async function fetchSandboxDomain(sandboxUrl: string, domain: string): Promise<SandboxDomainView> {
  const res = await fetch(`${sandboxUrl}/hypervisor/_domains/${encodeURIComponent(domain)}`);
  if (!res.ok) throw new Error(`sandbox: GET domain ${domain}: HTTP ${res.status}`);
  return (await res.json()) as SandboxDomainView;
}

/** A domain's freeze/thaw/auto-thaw/freeze-failed/start/stop events (epoch ms, sandbox clock). */
export async function readDomainEvents(sandboxUrl: string, domain: string): Promise<SandboxDomain['events']> {
  return (await fetchSandboxDomain(sandboxUrl, domain)).events;
}

/** Frozen windows from the events: pairs of freeze -> thaw/auto-thaw/stop, in ms (open window = undefined end). */
export function frozenWindows(events: SandboxDomain['events']): Array<{ from: number; to?: number; ms?: number; endedBy?: string }> {
  const windows: Array<{ from: number; to?: number; ms?: number; endedBy?: string }> = [];
  for (const e of events) {
    if (e.kind === 'freeze') windows.push({ from: e.at });
    else if ((e.kind === 'thaw' || e.kind === 'auto-thaw' || e.kind === 'stop') && windows.length > 0) {
      const w = windows[windows.length - 1]!;
      if (w.to === undefined) Object.assign(w, { to: e.at, ms: e.at - w.from, endedBy: e.kind });
    }
  }
  return windows;
}

/** Changes the agent/domain model (e.g. {agent: 'hang'} then {agent: 'ok'}). */
export async function patchSandboxDomain(sandboxUrl: string, domain: string, patch: DomainPatch): Promise<SandboxDomainView> {
  const res = await fetch(`${sandboxUrl}/hypervisor/_domains/${encodeURIComponent(domain)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
  if (!res.ok) throw new Error(`sandbox: POST domain ${domain}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as SandboxDomainView;
}
