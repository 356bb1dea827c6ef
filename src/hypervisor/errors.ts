import { CcsnapError, type CcsnapErrorCode } from '../errors.js';
import type { VirshResult } from './types.js';
import { redactUri } from './uri.js';

export const HV_AGENT_NOT_CONNECTED = 'CCSNAP_HV_AGENT_NOT_CONNECTED';
export const HV_AGENT_NOT_CONFIGURED = 'CCSNAP_HV_AGENT_NOT_CONFIGURED';
export const HV_DOMAIN_NOT_RUNNING = 'CCSNAP_HV_DOMAIN_NOT_RUNNING';
export const HV_DOMAIN_NOT_FOUND = 'CCSNAP_HV_DOMAIN_NOT_FOUND';
export const HV_ALREADY_FROZEN = 'CCSNAP_HV_ALREADY_FROZEN';
export const HV_AGENT_TIMEOUT = 'CCSNAP_HV_AGENT_TIMEOUT';
export const HV_TIMEOUT = 'CCSNAP_HV_TIMEOUT';
export const HV_CONNECTION = 'CCSNAP_HV_CONNECTION';
export const HV_COMMAND = 'CCSNAP_HV_COMMAND';

/** Facts about one virsh command, kept in `CcsnapError.details` (never secrets: the URI password is redacted). */
export interface VirshCallFacts {
  operation: string;
  uri: string;
  domain?: string;
  /** The full virsh argv, e.g. ["virsh", "-c", "qemu:///system", "domfsfreeze", "--domain=x"]. */
  argv: string[];
}

interface Rule {
  code: CcsnapErrorCode;
  test: RegExp;
  message: string;
}

/** Order matters: "is not responding: ... is not connected" must be NOT_CONNECTED, not AGENT_TIMEOUT. */
const RULES: Rule[] = [
  {
    code: HV_CONNECTION,
    test: /failed to connect to the hypervisor|no connection driver available|Failed to connect socket|Cannot recv data|Cannot write data|End of file while reading data|client socket is closed|unable to connect to server|no valid connection/i,
    message: 'cannot connect to the hypervisor',
  },
  { code: HV_DOMAIN_NOT_FOUND, test: /failed to get domain|Domain not found|no domain with matching/i, message: 'domain not found' },
  { code: HV_DOMAIN_NOT_RUNNING, test: /domain is not running/i, message: 'domain is not running' },
  { code: HV_AGENT_NOT_CONFIGURED, test: /guest agent is not configured/i, message: 'the domain has no guest agent channel' },
  { code: HV_AGENT_NOT_CONNECTED, test: /guest agent is not connected/i, message: 'the guest agent is not connected' },
  {
    code: HV_AGENT_TIMEOUT,
    test: /Guest agent not available for now|Guest agent is not responding|guest agent timed out|agent command timed out/i,
    message: 'the guest agent is not responding',
  },
  { code: HV_ALREADY_FROZEN, test: /agent is in frozen state/i, message: 'the guest filesystems are frozen' },
];

/** The `error: ...` lines of virsh's stderr, without the prefix. */
export function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.startsWith('error: '))
    .map((l) => l.slice('error: '.length));
}

/** Maps a failed virsh command to a typed CcsnapError with a stable code. */
export function mapVirshFailure(result: VirshResult, facts: VirshCallFacts): CcsnapError {
  const lines = errorLines(result.stderr);
  const text = lines.length > 0 ? lines.join('\n') : result.stderr.trim();
  const rule = RULES.find((r) => r.test.test(text));
  const code = rule?.code ?? HV_COMMAND;
  const detail = lines[lines.length - 1] ?? (text || `exit status ${result.exitCode}`);
  const subject = facts.domain !== undefined ? `${facts.operation} ${facts.domain}` : facts.operation;
  const message = rule ? `${subject}: ${rule.message} (${detail})` : `${subject} failed: ${detail}`;
  return new CcsnapError(code, oneLine(message), { details: detailsOf(facts, result) });
}

/** Our own deadline (commandTimeoutMs) or the caller's signal ended the command. */
export function deadlineError(facts: VirshCallFacts, durationMs: number, timeoutMs: number, aborted: boolean, cause?: unknown): CcsnapError {
  const code = aborted ? 'CCSNAP_ABORTED' : HV_TIMEOUT;
  const what = aborted ? 'aborted' : `did not finish within ${timeoutMs} ms`;
  return new CcsnapError(code, oneLine(`${facts.operation}${facts.domain !== undefined ? ` ${facts.domain}` : ''} ${what}`), {
    details: { ...detailsOf(facts, { stdout: '', stderr: '', exitCode: -1, durationMs }), timeoutMs },
    cause,
  });
}

/** The virsh program could not be started at all (ENOENT, EACCES, ...). */
export function spawnError(facts: VirshCallFacts, err: unknown, durationMs: number): CcsnapError {
  const e = err as NodeJS.ErrnoException;
  return new CcsnapError(HV_COMMAND, oneLine(`${facts.operation}: cannot run ${facts.argv[0]}: ${e.code ?? e.message}`), {
    details: { ...detailsOf(facts, { stdout: '', stderr: '', exitCode: -1, durationMs }), errno: e.code },
    cause: err,
  });
}

function detailsOf(facts: VirshCallFacts, result: VirshResult): Record<string, unknown> {
  const uri = redactUri(facts.uri);
  return {
    operation: facts.operation,
    command: facts.argv.map((a) => (a === facts.uri ? uri : a)),
    exitCode: result.exitCode,
    stderr: result.stderr.trim(),
    durationMs: Math.round(result.durationMs),
    uri,
    ...(facts.domain !== undefined ? { domain: facts.domain } : {}),
  };
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' / ');
}

/**
 * After `freeze` threw: true when the guest may be frozen now or later (the agent may still execute a queued
 * freeze), so the caller must thaw anyway. False only when the freeze certainly never reached the agent.
 */
export function freezeMayHaveTakenEffect(err: unknown): boolean {
  if (!(err instanceof CcsnapError)) return true;
  if (typeof err.details.mayBeFrozen === 'boolean') return err.details.mayBeFrozen;
  return ![
    HV_DOMAIN_NOT_FOUND,
    HV_DOMAIN_NOT_RUNNING,
    HV_AGENT_NOT_CONFIGURED,
    HV_AGENT_NOT_CONNECTED,
    'CCSNAP_HV_BAD_ARGUMENT',
    'CCSNAP_HV_BAD_HOST',
  ].includes(err.code);
}
