import type { SandboxContext } from '../context.js';
import type { SandboxDomain } from '../state.js';
import { parseOptions, type ParsedOptions } from './options.js';
import { formatTable } from './table.js';
import { markFrozen, markThawed, runtimeOf, settle } from './model.js';
import { runAgentCall, type AgentCall } from './agent.js';

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
  const timeoutSec = runtimeOf(d).agentTimeoutSec;
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
      d.events.push({ at: Date.now(), kind: 'thaw-requested' });
      return agentOp(ctx, d, {
        job: 'remoteDispatchDomainFSThaw',
        what: 'Unable to thaw filesystems',
        agentCmd: 'guest-fsfreeze-thaw',
        timeoutSec,
        run: () => ok(`Thawed ${markThawed(d)} filesystem(s)\n\n`),
      });
    case 'domfsinfo':
      return agentOp(ctx, d, {
        job: 'remoteDispatchDomainGetFSInfo',
        what: 'Unable to get filesystem information',
        agentCmd: 'guest-get-fsinfo',
        timeoutSec,
        run: () =>
          d.frozen
            ? fail('Unable to get filesystem information', frozenState('guest-get-fsinfo'))
            : ok(
                formatTable(
                  ['Mountpoint', 'Name', 'Type', 'Target'],
                  d.mountpoints.map((m) => [m.mountpoint, m.name, m.type, m.target]),
                ),
              ),
      });
    case 'qemu-agent-command':
      return agentCommand(ctx, d, opts);
    default:
      return fail(`unknown command: '${command}'`);
  }
}

function freeze(ctx: SandboxContext, d: SandboxDomain, mountpoints: string[]): Promise<VirshOutput> {
  const count = mountpoints.length === 0 ? d.mountpoints.length : d.mountpoints.filter((m) => mountpoints.includes(m.mountpoint)).length;
  d.events.push({ at: Date.now(), kind: 'freeze-requested' });
  const apply = (late: boolean, queued: boolean): VirshOutput => {
    settle(d);
    if (d.frozen) {
      d.events.push({ at: Date.now(), kind: 'freeze-failed', detail: 'already frozen' });
      return fail('Unable to freeze filesystems', frozenState('guest-fsfreeze-freeze'));
    }
    if (d.state !== 'running') return fail('Unable to freeze filesystems', NOT_RUNNING);
    markFrozen(
      d,
      count,
      queued ? 'queued freeze executed after the agent came back' : late ? 'landed after libvirt reported the freeze failed (agent timeout)' : undefined,
    );
    ctx.save();
    return ok(`Froze ${count} filesystem(s)\n\n`);
  };
  return agentOp(ctx, d, {
    job: 'remoteDispatchDomainFSFreeze',
    what: 'Unable to freeze filesystems',
    agentCmd: 'guest-fsfreeze-freeze',
    timeoutSec: runtimeOf(d).agentTimeoutSec,
    delayMs: d.freezeDelayMs,
    run: (late) => apply(late, false),
    queueOnHang: () => void apply(false, true),
    onFail: (why) => d.events.push({ at: Date.now(), kind: 'freeze-failed', detail: why }),
  });
}

/** The common agent path: domain state and agent channel, then libvirt's job lock and the agent (see agent.ts). */
async function agentOp(ctx: SandboxContext, d: SandboxDomain, call: AgentCall): Promise<VirshOutput> {
  const failWith = (why: string, text: string): VirshOutput => {
    call.onFail?.(why);
    return fail(...(call.what ? [call.what] : []), text);
  };
  if (d.state !== 'running') return failWith('domain not running', NOT_RUNNING);
  if (d.agent === 'missing') return failWith('agent not configured', NOT_CONFIGURED);
  if (d.agent === 'disconnected') return failWith('agent not connected', NOT_CONNECTED);
  const out = await runAgentCall(ctx.faults, d, {
    ...call,
    run: (late) => {
      settle(d);
      if (d.state !== 'running') return failWith('domain not running', NOT_RUNNING);
      return call.run(late);
    },
  });
  ctx.save();
  return out;
}

async function agentCommand(ctx: SandboxContext, d: SandboxDomain, opts: ParsedOptions): Promise<VirshOutput> {
  if (typeof opts.timeout === 'number' && opts.timeout <= 0) return fail('timeout must be positive');
  const text = (opts.cmd as string[]).join(' ');
  let execute: string;
  try {
    execute = String((JSON.parse(text) as { execute?: unknown }).execute);
  } catch {
    return fail(`internal error: cannot parse json ${text}: lexical error: invalid string in json text.`);
  }
  const timeoutSec = typeof opts.timeout === 'number' ? opts.timeout : opts.block ? -2 : runtimeOf(d).agentTimeoutSec;
  const reply = (value: unknown): VirshOutput => ok(`${JSON.stringify({ return: value })}\n\n`);
  const allowedFrozen = ['guest-ping', 'guest-fsfreeze-status', 'guest-fsfreeze-thaw', 'guest-sync', 'guest-sync-delimited', 'guest-info'];
  return agentOp(ctx, d, {
    job: 'remoteDispatchDomainQemuAgentCommand',
    agentCmd: execute,
    timeoutSec,
    run: () => {
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
    },
  });
}

function listDomains(ctx: SandboxContext, host: string, opts: ParsedOptions): VirshOutput {
  const all = ctx.state.hypervisor.domains.filter((d) => d.host === host && (opts.all || d.state !== 'shut off'));
  if (opts.name) return ok(`${all.map((d) => `${d.name}\n`).join('')}\n`);
  let id = 0;
  return ok(
    formatTable(
      ['Id', 'Name', 'State'],
      all.map((d) => [d.state === 'shut off' ? '-' : String(++id), d.name, d.state]),
    ),
  );
}

function reasonOf(state: string): string {
  return state === 'running' ? 'booted' : state === 'paused' ? 'user' : state === 'shut off' ? 'shutdown' : 'unknown';
}
