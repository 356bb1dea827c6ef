import type { Router } from '../router.js';
import type { SandboxContext, SandboxPlugin } from '../context.js';
import type { SandboxDomain } from '../state.js';
import { runVirshCommand } from './commands.js';
import { agentChanged, runtimeOf, settle } from './model.js';

/**
 * Hypervisor emulator, reached by bin/sandbox-virsh.js (URI sandbox+http://127.0.0.1:PORT/<host>):
 *   POST /hypervisor/:host/virsh/:command  {args: string[]} -> {stdout, stderr, exitCode}  (virsh's texts)
 *   GET  /hypervisor/_ping                  connection check of the sandbox virsh
 *   GET  /hypervisor/_domains/:name         domain, events (sandbox clock) and runtime (agent timeout, queued)
 *   POST /hypervisor/_domains/:name         change the model: {agent, state, freezeDelayMs, autoThawMs, onRecovery}
 */
export const hypervisorPlugins: SandboxPlugin[] = [{ name: 'hypervisor', prefixes: ['/hypervisor'], register }];

function register(router: Router, ctx: SandboxContext): void {
  router.get('/hypervisor/_ping', () => ({ status: 200, body: { ok: true } }));
  router.post('/hypervisor/:host/virsh/:command', async (req) => {
    const body = req.body as { args?: unknown } | undefined;
    const args = Array.isArray(body?.args) ? body.args.map(String) : [];
    const out = await runVirshCommand(ctx, req.params.host!, req.params.command!, args);
    return { status: 200, body: out, command: req.params.command! };
  });
  router.get('/hypervisor/_domains/:name', (req) => {
    const d = findDomain(ctx, req.params.name!);
    if (!d) return notFound(req.params.name!);
    settle(d);
    return { status: 200, body: view(d) };
  });
  router.post('/hypervisor/_domains/:name', (req) => {
    const d = findDomain(ctx, req.params.name!);
    if (!d) return notFound(req.params.name!);
    const error = applyPatch(d, req.body ?? {});
    if (error) return { status: 400, body: { error } };
    ctx.save();
    return { status: 200, body: view(d) };
  });
}

export interface DomainPatch {
  agent?: SandboxDomain['agent'];
  state?: string;
  freezeDelayMs?: number;
  /** null removes the auto-thaw. */
  autoThawMs?: number | null;
  /** What the agent does with commands that timed out while it hung, once it is back. */
  onRecovery?: 'run' | 'drop';
  /** libvirt's own agent timeout of the domain (as `virsh guest-agent-timeout` sets it): -2/-1 block, 0 no wait, N s. */
  agentTimeoutSec?: number;
  /** How long a call waits for the domain's agent job (libvirt: 30 s). */
  lockWaitMs?: number;
}

function applyPatch(d: SandboxDomain, p: DomainPatch): string | undefined {
  const rt = runtimeOf(d);
  if (p.agent !== undefined) {
    if (!['ok', 'missing', 'disconnected', 'hang'].includes(p.agent)) return `bad agent ${String(p.agent)}`;
    d.agent = p.agent;
  }
  if (p.onRecovery !== undefined) rt.onRecovery = p.onRecovery;
  if (p.agentTimeoutSec !== undefined) rt.agentTimeoutSec = Number(p.agentTimeoutSec);
  if (p.lockWaitMs !== undefined) rt.lockWaitMs = Math.max(0, Number(p.lockWaitMs));
  if (p.freezeDelayMs !== undefined) d.freezeDelayMs = Math.max(0, Number(p.freezeDelayMs));
  if (p.autoThawMs === null) delete d.autoThawMs;
  else if (p.autoThawMs !== undefined) d.autoThawMs = Number(p.autoThawMs);
  if (p.state !== undefined && p.state !== d.state) {
    d.state = p.state;
    d.events.push({ at: Date.now(), kind: p.state === 'running' ? 'start' : 'stop', detail: p.state });
    if (p.state !== 'running' && p.state !== 'paused') {
      // like a real reboot or power-off: the freeze does not survive
      d.frozen = false;
      delete d.frozenSince;
      rt.frozenCount = 0;
      rt.queued = [];
    }
  }
  agentChanged(d);
  return undefined;
}

function view(d: SandboxDomain): unknown {
  const rt = runtimeOf(d);
  return {
    ...d,
    agentTimeoutSec: rt.agentTimeoutSec,
    queued: rt.queued.map((q) => q.command),
    onRecovery: rt.onRecovery,
    jobHolder: rt.jobHolder ?? null,
    lockWaitMs: rt.lockWaitMs,
    jobWaiters: rt.jobWaiters.length,
    agentBusy: rt.agentBusy !== undefined,
  };
}

function findDomain(ctx: SandboxContext, name: string): SandboxDomain | undefined {
  return ctx.state.hypervisor.domains.find((d) => d.name === name);
}

function notFound(name: string) {
  return { status: 404, body: { error: `no domain ${name}` } };
}
