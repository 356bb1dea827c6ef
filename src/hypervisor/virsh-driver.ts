import { CcsnapError, isCcsnapError } from '../errors.js';
import { isDeadlineReason, startDeadline } from '../util/deadline.js';
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
  /** The caller's signal (its own deadline included); the command timeout is added here. */
  signal: AbortSignal | undefined;
  urgent?: boolean;
}

/** The Hypervisor operations, expressed as virsh commands on a runner (persistent session or one-shot). */
export function createVirshHypervisor(options: VirshDriverOptions): Hypervisor {
  const { runner, agentTimeoutSec, commandTimeoutMs } = options;
  // The agent timeout is passed per call (qemu-agent-command --timeout); ccsnap never changes a domain's
  // own setting (`virsh guest-agent-timeout`), which Nova and every other agent user share.
  const agentTimeout = agentTimeoutSec > 0 ? [`--timeout=${agentTimeoutSec}`] : [];

  const exec = async (call: Call): Promise<VirshResult> => {
    const facts: VirshCallFacts = { operation: call.operation, domain: call.domain, uri: runner.uri, argv: [options.virsh, '-c', runner.uri, ...call.argv] };
    const started = performance.now();
    const deadline = startDeadline(commandTimeoutMs, call.signal, `virsh ${call.operation}`);
    let result: VirshResult;
    try {
      result = await runner.run(call.argv, { signal: deadline.signal, urgent: call.urgent ?? false });
    } catch (err) {
      if (isCcsnapError(err) && err.code === 'CCSNAP_HV_BAD_ARGUMENT') throw err;
      const ms = performance.now() - started;
      if (deadline.signal.aborted) {
        const reason: unknown = deadline.signal.reason;
        const ours = isDeadlineReason(reason) && !call.signal?.aborted;
        const timeoutMs = ours ? commandTimeoutMs : Math.round(ms);
        throw deadlineError(facts, ms, timeoutMs, !isDeadlineReason(reason), reason);
      }
      throw spawnError(facts, err, ms);
    } finally {
      deadline.clear();
    }
    if (result.exitCode !== 0) throw mapVirshFailure(result, facts);
    return result;
  };

  const agentCommand = async (operation: string, domain: string, execute: string, o?: CallOptions): Promise<unknown> => {
    const r = await exec({
      operation,
      domain,
      argv: ['qemu-agent-command', `--domain=${domain}`, ...agentTimeout, `--cmd={"execute":"${execute}"}`],
      signal: o?.signal,
    });
    try {
      return parseAgentReply(r.stdout);
    } catch {
      throw new CcsnapError(HV_COMMAND, `${operation} ${domain}: unexpected agent reply ${JSON.stringify(r.stdout.trim().slice(0, 200))}`, {
        details: { domain, stdout: r.stdout },
      });
    }
  };

  return {
    async freeze(domain: string, o: FreezeOptions = {}) {
      const mounts = (o.mountpoints ?? []).map((m) => `--mountpoint=${m}`);
      try {
        const r = await exec({ operation: 'freeze', domain, argv: ['domfsfreeze', `--domain=${domain}`, ...mounts], signal: o.signal });
        return { filesystems: countOrThrow(r, 'Froze', 'freeze', domain) };
      } catch (err) {
        if (isCcsnapError(err)) err.details.mayBeFrozen = freezeMayHaveTakenEffect(err);
        throw err;
      }
    },
    async thaw(domain: string, o: CallOptions = {}) {
      const r = await exec({ operation: 'thaw', domain, argv: ['domfsthaw', `--domain=${domain}`], signal: o.signal, urgent: true });
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
      const r = await exec({ operation: 'domstate', domain, argv: ['domstate', `--domain=${domain}`], signal: o.signal });
      return parseDomState(r.stdout);
    },
    async fsInfo(domain: string, o: CallOptions = {}): Promise<GuestFilesystem[]> {
      const r = await exec({ operation: 'fsinfo', domain, argv: ['domfsinfo', `--domain=${domain}`], signal: o.signal });
      return parseFsInfo(r.stdout);
    },
    close: () => runner.close(),
  };
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
