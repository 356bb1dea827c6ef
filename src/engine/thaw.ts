import { toCcsnapError, type CcsnapErrorCode, type CodedError } from '../errors.js';
import { sleep } from '../util/abort.js';
import { withDeadline } from '../util/deadline.js';
import type { HypervisorPort } from './ports.js';

/** Who ended a guest's freeze, as recorded on a set. */
export type ThawedBy = 'ccsnap' | 'watchdog' | 'recover' | 'guest';

export interface ThawOutcome {
  /**
   * True when the agent answered "thawed" after every freeze we sent: no freeze of ours can land any
   * more (the agent runs commands one at a time, so its answer comes after any freeze it was given).
   * Also true when the domain cannot be frozen at all (see `unfreezable`).
   */
  verified: boolean;
  /** Set when the domain cannot hold a freeze (not running, no such domain, no agent channel): the error code. */
  unfreezable?: CcsnapErrorCode;
  attempts: number;
  /** Epoch ms when the first thaw call was sent and when it returned (successfully or not). */
  firstThawSentAt: number;
  firstThawDoneAt: number;
  /** Epoch ms when one of our thaw calls returned having thawed filesystems (null: none of ours did). */
  thawedAt: number | null;
  /** Epoch ms when that thaw call was sent. */
  thawSentAt: number | null;
  /** What the agent said it thawed in that call. */
  thawedFilesystems: number;
  errors: Array<CodedError>;
}

export interface GuardOptions {
  /** Fresh deadline of each thaw or status call; never the caller's (possibly aborted) signal. */
  callTimeoutMs: number;
  /** How long to keep thawing and re-checking at most, from the first call (at least one round runs). */
  guardMs: number;
  /** Pause after a failed round (default 100 ms); after a "frozen" answer the next thaw goes at once. */
  retryDelayMs?: number;
  /** Ends the guard early (e.g. the watchdog was told ccsnap verified the thaw). Never bounds a call. */
  stop?: AbortSignal;
  /** One line per step, with the true timeouts (the watchdog's log). */
  onStep?: (line: string) => void;
  /** Called as soon as one of our thaw calls has thawed filesystems (epoch ms sent and returned). */
  onThawed?: (sentAt: number, doneAt: number, filesystems: number) => void;
}

/** Pause after a failed round of a long guard (the watchdog's, recover's); ccsnap's own short guard uses the default. */
export const LONG_GUARD_RETRY_DELAY_MS = 250;

/** Codes meaning the domain cannot be frozen now or later: a pending freeze dies with it. */
const UNFREEZABLE: ReadonlySet<CcsnapErrorCode> = new Set(['CCSNAP_HV_DOMAIN_NOT_RUNNING', 'CCSNAP_HV_DOMAIN_NOT_FOUND', 'CCSNAP_HV_AGENT_NOT_CONFIGURED']);

/**
 * Thaws the guest and keeps it thawed until no freeze we sent can still land: thaw, then ask
 * guest-fsfreeze-status; "thawed" ends the guard, "frozen" thaws again at once, an error (agent busy,
 * state change lock held by a running freeze) retries, until `guardMs` has passed. Each call runs under
 * its own fresh deadline, so an aborted operation still thaws.
 */
export async function guardThaw(hv: HypervisorPort, domain: string, options: GuardOptions): Promise<ThawOutcome> {
  const log = options.onStep ?? ((): void => undefined);
  const until = Date.now() + options.guardMs;
  const out: ThawOutcome = {
    verified: false,
    attempts: 0,
    firstThawSentAt: 0,
    firstThawDoneAt: 0,
    thawedAt: null,
    thawSentAt: null,
    thawedFilesystems: 0,
    errors: [],
  };
  const fail = (what: string, err: unknown): CcsnapErrorCode | undefined => {
    const e = toCcsnapError(err);
    out.errors.push({ code: e.code, message: `${what}: ${e.message}` });
    log(`${what} ${domain} attempt ${out.attempts} failed after its ${options.callTimeoutMs} ms bound or earlier: ${e.message} [${e.code}]`);
    return UNFREEZABLE.has(e.code) ? e.code : undefined;
  };
  for (;;) {
    out.attempts++;
    const sentAt = Date.now();
    if (out.attempts === 1) out.firstThawSentAt = sentAt;
    let unfreezable: CcsnapErrorCode | undefined;
    try {
      const r = await withDeadline(options.callTimeoutMs, undefined, (signal) => hv.thaw(domain, { signal }), `thaw ${domain}`);
      if (r.filesystems > 0 && out.thawedAt === null) {
        out.thawedAt = Date.now();
        out.thawSentAt = sentAt;
        out.thawedFilesystems = r.filesystems;
        options.onThawed?.(sentAt, out.thawedAt, r.filesystems);
      }
      log(`thaw ${domain} attempt ${out.attempts}: thawed ${r.filesystems} filesystem(s) in ${Date.now() - sentAt} ms`);
    } catch (err) {
      unfreezable = fail('thaw', err);
    }
    if (out.attempts === 1) out.firstThawDoneAt = Date.now();
    let frozen = false;
    if (!unfreezable) {
      try {
        const status = await withDeadline(options.callTimeoutMs, undefined, (signal) => hv.freezeStatus(domain, { signal }), `freeze-status ${domain}`);
        log(`freeze-status ${domain} attempt ${out.attempts}: ${status}`);
        if (status === 'thawed') return { ...out, verified: true };
        frozen = true;
        out.errors.push({ code: 'CCSNAP_HV_STILL_FROZEN', message: `status after thaw attempt ${out.attempts}: frozen` });
      } catch (err) {
        unfreezable = fail('freeze-status', err);
      }
    }
    if (unfreezable) return { ...out, verified: true, unfreezable };
    if (Date.now() >= until || options.stop?.aborted) return out;
    if (!frozen) await sleep(Math.min(options.retryDelayMs ?? 100, Math.max(0, until - Date.now()))).catch(() => undefined);
    if (options.stop?.aborted) return out;
  }
}
