import { CcsnapError, isCcsnapError } from '../errors.js';
import { withDeadline } from '../util/abort.js';
import type { CallOptions, FreezeOptions, GuestFilesystem, Hypervisor, VirshResult, VirshRunner } from './types.js';
import { deadlineError, freezeMayHaveTakenEffect, HV_COMMAND, mapVirshFailure, spawnError, type VirshCallFacts } from './errors.js';
import { parseAgentReply, parseDomState, parseFilesystemCount, parseFsInfo } from './parse.js';

export interface VirshDriverOptions {
  runner: VirshRunner;
  /** Program name shown in error details. */
  virsh: string;
  agentTimeoutSec: number;
  commandTimeoutMs: number;
}

interface Call {
  operation: string;
  domain: string;
  argv: string[];
  signal: AbortSignal;
  urgent?: boolean;
}

/** The Hypervisor operations, expressed as virsh commands on a runner (persistent session or one-shot). */
export function createVirshHypervisor(options: VirshDriverOptions): Hypervisor {
  const { runner, agentTimeoutSec, commandTimeoutMs } = options;
  const deadline = (o?: CallOptions): AbortSignal => withDeadline(o?.signal, commandTimeoutMs);
  const agentTimeout = agentTimeoutSec > 0 ? [`--timeout=${agentTimeoutSec}`] : [];

  const exec = async (call: Call): Promise<VirshResult> => {
    const facts: VirshCallFacts = { operation: call.operation, domain: call.domain, uri: runner.uri, argv: [options.virsh, '-c', runner.uri, ...call.argv] };
    const started = performance.now();
    let result: VirshResult;
    try {
      result = await runner.run(call.argv, { signal: call.signal, urgent: call.urgent ?? false });
    } catch (err) {
      if (isCcsnapError(err) && err.code === 'CCSNAP_HV_BAD_ARGUMENT') throw err;
      const ms = performance.now() - started;
      if (call.signal.aborted) {
        const reason: unknown = call.signal.reason;
        const ours = reason instanceof DOMException && reason.name === 'TimeoutError';
        throw deadlineError(facts, ms, commandTimeoutMs, !ours, reason);
      }
      throw spawnError(facts, err, ms);
    }
    if (result.exitCode !== 0) throw mapVirshFailure(result, facts);
    return result;
  };

  const agentCommand = async (operation: string, domain: string, execute: string, o?: CallOptions): Promise<unknown> => {
    const r = await exec({ operation, domain, argv: ['qemu-agent-command', `--domain=${domain}`, ...agentTimeout, `--cmd={"execute":"${execute}"}`], signal: deadline(o) });
    try {
      return parseAgentReply(r.stdout);
    } catch {
      throw new CcsnapError(HV_COMMAND, `${operation} ${domain}: unexpected agent reply ${JSON.stringify(r.stdout.trim().slice(0, 200))}`, { details: { domain, stdout: r.stdout } });
    }
  };

  return {
    async freeze(domain: string, o: FreezeOptions = {}) {
      const signal = deadline(o);
      if (agentTimeoutSec > 0) await setAgentTimeout(exec, domain, agentTimeoutSec, signal);
      const mounts = (o.mountpoints ?? []).map((m) => `--mountpoint=${m}`);
      try {
        const r = await exec({ operation: 'freeze', domain, argv: ['domfsfreeze', `--domain=${domain}`, ...mounts], signal });
        return { filesystems: countOrThrow(r, 'Froze', 'freeze', domain) };
      } catch (err) {
        if (isCcsnapError(err)) err.details.mayBeFrozen = freezeMayHaveTakenEffect(err);
        throw err;
      }
    },
    async thaw(domain: string, o: CallOptions = {}) {
      const r = await exec({ operation: 'thaw', domain, argv: ['domfsthaw', `--domain=${domain}`], signal: deadline(o), urgent: true });
      return { filesystems: countOrThrow(r, 'Thawed', 'thaw', domain) };
    },
    async freezeStatus(domain: string, o: CallOptions = {}) {
      const status = await agentCommand('freeze-status', domain, 'guest-fsfreeze-status', o);
      if (status !== 'frozen' && status !== 'thawed') {
        throw new CcsnapError(HV_COMMAND, `freeze-status ${domain}: unexpected status ${JSON.stringify(status)}`, { details: { domain } });
      }
      return status;
    },
    async ping(domain: string, o: CallOptions = {}) {
      await agentCommand('ping', domain, 'guest-ping', o);
    },
    async domainState(domain: string, o: CallOptions = {}) {
      const r = await exec({ operation: 'domstate', domain, argv: ['domstate', `--domain=${domain}`], signal: deadline(o) });
      return parseDomState(r.stdout);
    },
    async fsInfo(domain: string, o: CallOptions = {}): Promise<GuestFilesystem[]> {
      const r = await exec({ operation: 'fsinfo', domain, argv: ['domfsinfo', `--domain=${domain}`], signal: deadline(o) });
      return parseFsInfo(r.stdout);
    },
    close: () => runner.close(),
  };
}

/** `virsh guest-agent-timeout`; a driver without it (test:///) is tolerated: the process deadline still bounds us. */
async function setAgentTimeout(exec: (c: Call) => Promise<VirshResult>, domain: string, sec: number, signal: AbortSignal): Promise<void> {
  try {
    await exec({ operation: 'freeze', domain, argv: ['guest-agent-timeout', `--domain=${domain}`, `--timeout=${sec}`], signal });
  } catch (err) {
    if (isCcsnapError(err) && err.code === HV_COMMAND && /not supported by the connection driver/.test(String(err.details.stderr))) return;
    if (isCcsnapError(err)) err.details.mayBeFrozen = false;
    throw err;
  }
}

function countOrThrow(r: VirshResult, verb: 'Froze' | 'Thawed', operation: string, domain: string): number {
  const n = parseFilesystemCount(r.stdout, verb);
  if (n === undefined) {
    throw new CcsnapError(HV_COMMAND, `${operation} ${domain}: unexpected virsh output ${JSON.stringify(r.stdout.trim().slice(0, 200))}`, {
      details: { domain, stdout: r.stdout, stderr: r.stderr, mayBeFrozen: verb === 'Froze' },
    });
  }
  return n;
}
