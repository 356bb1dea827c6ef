import type { SandboxContext } from '../context.js';
import type { SandboxServer } from '../state.js';
import { dbStamp } from './http.js';
import { warnSandbox } from '../warn.js';
import { finishInstanceAction } from './nova-actions.js';

/** Default time a stop/start takes (the client sees task_state powering-off/-on until then). */
export const DEFAULT_POWER_DELAY_MS = 200;

export type PowerAction = 'os-stop' | 'os-start';

interface PowerSpec {
  /** Verb Nova names in its conflict message. */
  verb: string;
  fromVmState: string[];
  taskState: string;
  status: string;
  vmState: string;
  powerState: number;
  domainState: string;
  event: 'stop' | 'start';
}

const SPECS: Record<PowerAction, PowerSpec> = {
  'os-stop': {
    verb: 'stop',
    fromVmState: ['active', 'error'],
    taskState: 'powering-off',
    status: 'SHUTOFF',
    vmState: 'stopped',
    powerState: 4,
    domainState: 'shut off',
    event: 'stop',
  },
  'os-start': {
    verb: 'start',
    fromVmState: ['stopped'],
    taskState: 'powering-on',
    status: 'ACTIVE',
    vmState: 'active',
    powerState: 1,
    domainState: 'running',
    event: 'start',
  },
};

export function isPowerAction(name: string): name is PowerAction {
  return name === 'os-stop' || name === 'os-start';
}

/** Nova's conflict message when the state forbids the action, or undefined when it may proceed. */
export function powerConflict(server: SandboxServer, action: PowerAction): string | undefined {
  const spec = SPECS[action];
  if (server.taskState !== null) {
    return `Cannot '${spec.verb}' instance ${server.id} while it is in task_state ${server.taskState}`;
  }
  if (!spec.fromVmState.includes(server.vmState)) {
    return `Cannot '${spec.verb}' instance ${server.id} while it is in vm_state ${server.vmState}`;
  }
  return undefined;
}

export function powerDelayMs(ctx: SandboxContext): number {
  const configured = ctx.state.nova.powerDelayMs;
  return typeof configured === 'number' && configured >= 0 ? configured : DEFAULT_POWER_DELAY_MS;
}

/**
 * Starts a stop/start: the server shows the task state at once, and reaches the final state (and its
 * libvirt domain the matching state) after the configured delay, as nova-compute would.
 */
export function beginPowerAction(ctx: SandboxContext, server: SandboxServer, action: PowerAction): void {
  const spec = SPECS[action];
  server.taskState = spec.taskState;
  server.updated = dbStamp();
  safeSave(ctx);
  const timer = setTimeout(() => finishPowerAction(ctx, server.id, spec), powerDelayMs(ctx));
  timer.unref();
}

function finishPowerAction(ctx: SandboxContext, serverId: string, spec: PowerSpec): void {
  const server = ctx.state.nova.servers.find((s) => s.id === serverId);
  if (!server || server.taskState !== spec.taskState) return;
  server.status = spec.status;
  server.vmState = spec.vmState;
  server.powerState = spec.powerState;
  server.taskState = null;
  server.updated = dbStamp();
  const domain = ctx.state.hypervisor.domains.find((d) => d.name === server.instanceName);
  if (domain) {
    domain.state = spec.domainState;
    domain.frozen = false;
    delete domain.frozenSince;
    domain.events.push({ at: Date.now(), kind: spec.event, detail: `nova ${spec.verb}` });
  }
  finishInstanceAction(ctx, server.id, spec.verb, 'Success');
  safeSave(ctx);
}

/** A transition may finish after the sandbox closed and its state directory is gone; never throw from a timer. */
function safeSave(ctx: SandboxContext): void {
  try {
    ctx.save();
  } catch (err) {
    warnSandbox(`nova: could not save state: ${(err as Error).message}`);
  }
}
