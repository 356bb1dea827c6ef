import type { SandboxContext } from '../server.js';
import type { SandboxDomain } from '../state.js';
import { parseOptions, type ParsedOptions } from './options.js';
import { formatTable } from './table.js';
import { markFrozen, markThawed, runtimeOf, settle, waitForAgent } from './model.js';

export interface VirshOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const ok = (stdout: string): VirshOutput => ({ stdout, stderr: '', exitCode: 0 });
const fail = (...lines: string[]): VirshOutput => ({ stdout: '', stderr: lines.map((l) => `error: ${l}\n`).join(''), exitCode: 1 });

const NOT_RUNNING = 'Requested operation is not valid: domain is not running';
const NOT_CONFIGURED = 'argument unsupported: QEMU guest agent is not configured';
const NOT_CONNECTED = 'Guest agent is not responding: QEMU guest agent is not connected';
const NOT_AVAILABLE = 'Guest agent is not responding: Guest agent not available for now';
const frozenState = (cmd: string): string =>
  `internal error: unable to execute QEMU agent command '${cmd}': Command ${cmd} has been disabled: the agent is in frozen state`;

/** Executes one virsh command against the sandbox's domains on `host`, with virsh's exact texts. */
export async function runVirshCommand(ctx: SandboxContext, host: string, command: string, args: string[]): Promise<VirshOutput> {
  const parsed = parseOptions(command, args);
  if ('error' in parsed) return fail(parsed.error);
  const { opts } = parsed;
  if (command === 'list') return listDomains(ctx, host, opts);
  const name = String(opts.domain);
  const fault = ctx.faults.take('hypervisor', command, name);
  if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault?.hang) await new Promise(() => {});
  if (fault && (fault.errorText !== undefined || fault.errorCode !== undefined)) {
    return fail(fault.errorText ?? `sandbox fault ${String(fault.errorCode)}`);
  }
  const d = ctx.state.hypervisor.domains.find((x) => x.name === name && x.host === host);
  if (!d) return fail(`failed to get domain '${name}'`);
  settle(d);
  const out = await runOnDomain(ctx, d, command, opts);
  ctx.save();
  return out;
}

async function runOnDomain(ctx: SandboxContext, d: SandboxDomain, command: string, opts: ParsedOptions): Promise<VirshOutput> {
  switch (command) {
    case 'domstate':
      return ok(`${d.state}${opts.reason ? ` (${reasonOf(d.state)})` : ''}\n\n`);
    case 'guest-agent-timeout': {
      runtimeOf(d).agentTimeoutSec = typeof opts.timeout === 'number' ? opts.timeout : -1;
      return ok('\n');
    }
    case 'domfsfreeze':
      return freeze(ctx, d, (opts.mountpoint as string[] | undefined) ?? []);
    case 'domfsthaw':
      if (opts.mountpoint) return fail('Unable to thaw filesystems', 'argument unsupported: specifying mountpoints is not supported');
      return agentOp(d, 'Unable to thaw filesystems', 'guest-fsfreeze-thaw', runtimeOf(d).agentTimeoutSec, () => ok(`Thawed ${markThawed(d)} filesystem(s)\n\n`));
    case 'domfsinfo':
      return agentOp(d, 'Unable to get filesystem information', 'guest-get-fsinfo', runtimeOf(d).agentTimeoutSec, () => {
        if (d.frozen) return fail('Unable to get filesystem information', frozenState('guest-get-fsinfo'));
        return ok(formatTable(['Mountpoint', 'Name', 'Type', 'Target'], d.mountpoints.map((m) => [m.mountpoint, m.name, m.type, m.target])));
      });
    case 'qemu-agent-command':
      return agentCommand(d, opts);
    default:
      return fail(`unknown command: '${command}'`);
  }
}

function freeze(ctx: SandboxContext, d: SandboxDomain, mountpoints: string[]): Promise<VirshOutput> {
  const rt = runtimeOf(d);
  const count = mountpoints.length === 0 ? d.mountpoints.length : d.mountpoints.filter((m) => mountpoints.includes(m.mountpoint)).length;
  const doFreeze = async (queued: boolean): Promise<VirshOutput> => {
    settle(d);
    if (d.frozen) {
      d.events.push({ at: Date.now(), kind: 'freeze-failed', detail: 'already frozen' });
      return fail('Unable to freeze filesystems', frozenState('guest-fsfreeze-freeze'));
    }
    if (d.freezeDelayMs > 0) await new Promise((r) => setTimeout(r, d.freezeDelayMs));
    markFrozen(d, count, queued ? 'queued freeze executed after the agent came back' : undefined);
    ctx.save();
    return ok(`Froze ${count} filesystem(s)\n\n`);
  };
  return agentOp(d, 'Unable to freeze filesystems', 'guest-fsfreeze-freeze', rt.agentTimeoutSec, () => doFreeze(false), () => void doFreeze(true), (why) => {
    d.events.push({ at: Date.now(), kind: 'freeze-failed', detail: why });
  });
}

/**
 * The common agent path: domain state, agent channel, agent connection, hang (bounded by the agent timeout;
 * a timed-out command stays queued and runs when the agent comes back, like qemu-ga).
 */
async function agentOp(
  d: SandboxDomain,
  what: string | undefined,
  agentCmd: string,
  timeoutSec: number,
  run: () => VirshOutput | Promise<VirshOutput>,
  runQueued?: () => void,
  onFail?: (why: string) => void,
): Promise<VirshOutput> {
  const prefix = what ? [what] : [];
  const failWith = (why: string, text: string): VirshOutput => {
    onFail?.(why);
    return fail(...prefix, text);
  };
  if (d.state !== 'running') return failWith('domain not running', NOT_RUNNING);
  if (d.agent === 'missing') return failWith('agent not configured', NOT_CONFIGURED);
  if (d.agent === 'disconnected') return failWith('agent not connected', NOT_CONNECTED);
  if (d.agent === 'hang') {
    const back = await waitForAgent(d, timeoutSec);
    if (!back) {
      if (runQueued) runtimeOf(d).queued.push({ command: agentCmd, run: runQueued });
      return failWith('agent timeout', NOT_AVAILABLE);
    }
    if (d.state !== 'running' || (d.agent as string) !== 'ok') return failWith('agent gone', d.state !== 'running' ? NOT_RUNNING : NOT_CONNECTED);
  }
  settle(d);
  return run();
}

async function agentCommand(d: SandboxDomain, opts: ParsedOptions): Promise<VirshOutput> {
  if (typeof opts.timeout === 'number' && opts.timeout <= 0) return fail('timeout must be positive');
  const text = (opts.cmd as string[]).join(' ');
  let execute: string;
  try {
    execute = String((JSON.parse(text) as { execute?: unknown }).execute);
  } catch {
    return fail(`internal error: cannot parse json ${text}: lexical error: invalid string in json text.`);
  }
  const timeout = typeof opts.timeout === 'number' ? opts.timeout : opts.block ? -2 : runtimeOf(d).agentTimeoutSec;
  const reply = (value: unknown): VirshOutput => ok(`${JSON.stringify({ return: value })}\n\n`);
  const allowedFrozen = ['guest-ping', 'guest-fsfreeze-status', 'guest-fsfreeze-thaw', 'guest-sync', 'guest-sync-delimited', 'guest-info'];
  return agentOp(d, undefined, execute, timeout, () => {
    if (d.frozen && !allowedFrozen.includes(execute)) return fail(frozenState(execute));
    switch (execute) {
      case 'guest-ping':
        return reply({});
      case 'guest-fsfreeze-status':
        return reply(d.frozen ? 'frozen' : 'thawed');
      case 'guest-fsfreeze-freeze':
        if (d.frozen) return fail(frozenState(execute));
        markFrozen(d, d.mountpoints.length);
        return reply(d.mountpoints.length);
      case 'guest-fsfreeze-thaw':
        return reply(markThawed(d));
      default:
        return fail(`internal error: unable to execute QEMU agent command '${execute}': The command ${execute} has not been found`);
    }
  });
}

function listDomains(ctx: SandboxContext, host: string, opts: ParsedOptions): VirshOutput {
  const all = ctx.state.hypervisor.domains.filter((d) => d.host === host && (opts.all || d.state !== 'shut off'));
  if (opts.name) return ok(`${all.map((d) => `${d.name}\n`).join('')}\n`);
  let id = 0;
  return ok(formatTable(['Id', 'Name', 'State'], all.map((d) => [d.state === 'shut off' ? '-' : String(++id), d.name, d.state])));
}

function reasonOf(state: string): string {
  return state === 'running' ? 'booted' : state === 'paused' ? 'user' : state === 'shut off' ? 'shutdown' : 'unknown';
}
