import type { CcsnapErrorCode } from '../error-codes/index.js';
import type { MemberRecord, OperationRecord, OperationState, SetRecord } from '../journal/types.js';
import type { RollbackPlan } from './plan-rollback.js';
import { LONG_GUARD_RETRY_DELAY_MS } from './thaw.js';

/** What recover knows before it touches anything: the journal's records and facts about this machine. */
export interface RecoverFacts {
  /** Operations nobody finished. */
  unfinished: OperationRecord[];
  /** Operations that sent a freeze and whose thaw nobody confirmed (unfinished ones may be among them). */
  thawPending: OperationRecord[];
  /** The sets of each unfinished operation, by operation id. */
  setsOf: ReadonlyMap<string, SetRecord[]>;
  /** The owners (pids on this machine) of unfinished operations that are still alive. */
  liveOwners: ReadonlySet<number>;
  /** This process and this machine. */
  pid: number;
  hostname: string;
  /** Epoch ms. */
  now: number;
}

export interface RecoverOptions {
  /** The cheap pass every command runs at start (never resumes a rollback), rather than `recover`. */
  auto: boolean;
  /** create.thaw_guard: how long the watchdog guards a guest ccsnap handed over to it. */
  thawGuardMs: number;
  /** The hypervisor's bound of one call. */
  commandTimeoutMs: number;
}

/** How recover guards one guest (see guardThaw): thaw, re-check until the agent answers "thawed". */
export interface RecoverGuard {
  host: string | null;
  domain: string;
  /** How long to keep trying (0: one round). */
  guardMs: number;
  callTimeoutMs: number;
  retryDelayMs: number;
}

/** A set the dead operation left `creating`: complete when every member was created, else delete what exists. */
export interface SetRepair {
  setId: string;
  finish: 'complete' | 'clean';
  members: MemberRecord[];
}

interface Decided {
  op: OperationRecord;
  /** Why recover acts (or does not): a catalogue code. */
  code: CcsnapErrorCode;
  /** The same in words (the report's detail when nothing is done). */
  reason: string;
}

export type RecoverDecision =
  /** Not reported, nothing done: an operation of this very process, or a guest the watchdog may still be guarding. */
  | (Decided & { kind: 'ignore' })
  /** Reported, nothing done. */
  | (Decided & { kind: 'skip' })
  /** A finished operation whose thaw nobody confirmed: guard its guest (without a recorded domain: just confirm). */
  | (Decided & { kind: 'check-thaw'; guard: RecoverGuard | null })
  /** A dead ccsnap's create or delete: guard the guest if a freeze may have been sent, repair its sets, close it failed, release its locks. */
  | (Decided & { kind: 'close'; guard: RecoverGuard | null; sets: SetRepair[] })
  /** A dead ccsnap's half-done rollback: finish it from its journaled steps. */
  | (Decided & { kind: 'resume-rollback'; plan: RollbackPlan });

/** The longest `recover` itself guards a guest (the watchdog guards for the whole thaw_guard). */
export const RECOVER_GUARD_MAX_MS = 60_000;
/** The automatic pass runs before every command: short calls, so a hung agent delays a `list` by seconds, not minutes. */
export const AUTO_CALL_TIMEOUT_MAX_MS = 5_000;

/** States in which a create may have sent its freeze (journals older than freeze_sent_at only have the state). */
const FREEZE_STATES: readonly OperationState[] = ['freezing', 'frozen', 'thawed'];

/**
 * Decides what recover does with every operation a ccsnap left unfinished, then with every finished one whose thaw
 * was never confirmed. Pure: the journal's records and the facts in, one decision per operation out, in that order.
 */
export function planRecover(facts: RecoverFacts, options: RecoverOptions): RecoverDecision[] {
  const open = new Set(facts.unfinished.map((op) => op.id));
  const pending = facts.thawPending.filter((op) => !open.has(op.id));
  return [...facts.unfinished.map((op) => decideUnfinished(op, facts, options)), ...pending.map((op) => decideThawPending(op, facts, options))];
}

function decideUnfinished(op: OperationRecord, facts: RecoverFacts, options: RecoverOptions): RecoverDecision {
  if (op.pid === facts.pid && op.hostname === facts.hostname)
    return { kind: 'ignore', op, code: 'CCSNAP_RECOVER_STILL_RUNNING', reason: 'an operation of this process' };
  // A shared journal (PostgreSQL) knows every owner's lease: a live one is never recovered, wherever it runs;
  // an expired one is recovered from any machine (its guest is reached through the hypervisor URI).
  if (op.ownerAlive === true)
    return { kind: 'skip', op, code: 'CCSNAP_RECOVER_STILL_RUNNING', reason: `still running (its owner on ${op.hostname} holds a lease)` };
  if (op.ownerAlive !== false) {
    if (op.hostname !== facts.hostname) return otherMachine(op);
    if (facts.liveOwners.has(op.pid)) return { kind: 'skip', op, code: 'CCSNAP_RECOVER_STILL_RUNNING', reason: `still running (pid ${op.pid})` };
  }
  if (op.kind === 'rollback') {
    if (options.auto)
      return { kind: 'skip', op, code: 'CCSNAP_ROLLBACK_INCOMPLETE', reason: 'half-done rollback: the automatic recovery does not resume rollbacks' };
    return { kind: 'resume-rollback', op, code: 'CCSNAP_ROLLBACK_INCOMPLETE', reason: 'half-done rollback of a dead ccsnap', plan: op.plan as RollbackPlan };
  }
  return {
    kind: 'close',
    op,
    code: 'CCSNAP_INTERRUPTED',
    reason: `interrupted in state ${op.state} (ccsnap died)`,
    guard: mayBeFrozen(op) ? guardOf(op, op.domain!, options) : null,
    sets: (facts.setsOf.get(op.id) ?? []).filter((s) => s.state === 'creating').map(repairOf),
  };
}

/** A finished operation sent a freeze that nobody saw answered by "thawed" afterwards: its guest needs a check. */
function decideThawPending(op: OperationRecord, facts: RecoverFacts, options: RecoverOptions): RecoverDecision {
  // The watchdog guards such a guest for thaw_guard after ccsnap handed it over; the automatic pass takes over only after that.
  const age = facts.now - Date.parse(op.finishedAt ?? op.startedAt);
  if (options.auto && !(age > options.thawGuardMs)) {
    return {
      kind: 'ignore',
      op,
      code: 'CCSNAP_THAW_UNCONFIRMED',
      reason: `the watchdog may still guard it (finished ${age} ms ago, thaw_guard ${options.thawGuardMs} ms)`,
    };
  }
  if (op.hostname !== facts.hostname && op.ownerAlive !== false) return otherMachine(op);
  return {
    kind: 'check-thaw',
    op,
    code: 'CCSNAP_THAW_UNCONFIRMED',
    reason: 'no thaw confirmed after its freeze',
    guard: op.domain ? guardOf(op, op.domain, options) : null,
  };
}

function otherMachine(op: OperationRecord): RecoverDecision {
  return { kind: 'skip', op, code: 'CCSNAP_RECOVER_OTHER_HOST', reason: `started on another machine (${op.hostname})` };
}

/** A create that may have sent its freeze, with no thaw confirmed since. */
function mayBeFrozen(op: OperationRecord): boolean {
  return op.kind === 'create' && (op.freezeSentAt !== null || FREEZE_STATES.includes(op.state)) && op.thawConfirmedAt === null && Boolean(op.domain);
}

/** One round in the automatic pass (short calls); up to a minute, or the configured guard if shorter, as `recover`. */
function guardOf(op: OperationRecord, domain: string, options: RecoverOptions): RecoverGuard {
  return {
    host: op.host,
    domain,
    guardMs: options.auto ? 0 : Math.min(options.thawGuardMs, RECOVER_GUARD_MAX_MS),
    callTimeoutMs: options.auto ? Math.min(options.commandTimeoutMs, AUTO_CALL_TIMEOUT_MAX_MS) : options.commandTimeoutMs,
    retryDelayMs: LONG_GUARD_RETRY_DELAY_MS,
  };
}

function repairOf(set: SetRecord): SetRepair {
  return { setId: set.id, finish: set.members.every((m) => m.state === 'created') ? 'complete' : 'clean', members: set.members };
}
