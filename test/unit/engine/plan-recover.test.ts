import { describe, expect, it } from 'vitest';
import type { MemberRecord, OperationRecord, SetRecord } from '../../../src/journal/types.js';
import { AUTO_CALL_TIMEOUT_MAX_MS, planRecover, RECOVER_GUARD_MAX_MS, type RecoverFacts, type RecoverOptions } from '../../../src/engine/plan-recover.js';

const NOW = Date.parse('2026-11-27T10:00:00Z');
const ME = { pid: 1000, hostname: 'ccsnap-1' };
const DEAD = 2000;
const ALIVE = 3000;
const GUARD_MS = 600_000;
const COMMAND_MS = 15_000;

function op(over: Partial<OperationRecord> = {}): OperationRecord {
  return {
    id: 'op-1',
    kind: 'create',
    instanceId: 'i-1',
    instanceName: 'web-1',
    state: 'planned',
    host: 'compute-1',
    uri: null,
    domain: 'instance-00000001',
    pid: DEAD,
    hostname: ME.hostname,
    ownerId: null,
    ownerAlive: null,
    startedAt: new Date(NOW - 60_000).toISOString(),
    finishedAt: null,
    plan: {},
    result: null,
    errorCode: null,
    errorMessage: null,
    freezeSentAt: null,
    thawConfirmedAt: null,
    thawedBy: null,
    ...over,
  };
}

function member(volumeId: string, state: MemberRecord['state']): MemberRecord {
  return { setId: 's-1', volumeId, arrayName: 'ec1', fsId: `fs-${volumeId}`, snapshotName: `snap-${volumeId}`, path: null, state, error: null };
}

function set(id: string, state: SetRecord['state'], members: MemberRecord[]): SetRecord {
  return {
    id,
    instanceId: 'i-1',
    instanceName: 'web-1',
    label: null,
    createdAt: new Date(NOW).toISOString(),
    state,
    consistency: null,
    reason: null,
    frozenMs: null,
    thawedBy: null,
    opId: 'op-1',
    steps: null,
    policy: null,
    occurrence: null,
    members,
  };
}

function facts(over: Partial<RecoverFacts> = {}): RecoverFacts {
  return { unfinished: [], thawPending: [], setsOf: new Map(), liveOwners: new Set([ME.pid, ALIVE]), ...ME, now: NOW, ...over };
}

const explicit: RecoverOptions = { auto: false, thawGuardMs: GUARD_MS, commandTimeoutMs: COMMAND_MS };
const auto: RecoverOptions = { ...explicit, auto: true };
const recoverGuard = { host: 'compute-1', domain: 'instance-00000001', guardMs: RECOVER_GUARD_MAX_MS, callTimeoutMs: COMMAND_MS, retryDelayMs: 250 };
const autoGuard = { ...recoverGuard, guardMs: 0, callTimeoutMs: AUTO_CALL_TIMEOUT_MAX_MS };

/** The one decision planned for `record` (unfinished unless `finished`), as kind + code + the fields a case checks. */
function decide(record: OperationRecord, options: RecoverOptions, more: Partial<RecoverFacts> = {}) {
  const finished = record.finishedAt !== null;
  const decisions = planRecover(facts({ ...(finished ? { thawPending: [record] } : { unfinished: [record] }), ...more }), options);
  expect(decisions).toHaveLength(1);
  return decisions[0]!;
}

describe('planRecover: unfinished operations', () => {
  it('an operation of this very process is ignored (not reported, not touched)', () => {
    for (const options of [explicit, auto])
      expect(decide(op({ pid: ME.pid }), options)).toMatchObject({ kind: 'ignore', code: 'CCSNAP_RECOVER_STILL_RUNNING' });
  });

  it('an operation started on another machine is skipped: its process cannot be checked from here', () => {
    expect(decide(op({ hostname: 'ccsnap-2' }), explicit)).toMatchObject({
      kind: 'skip',
      code: 'CCSNAP_RECOVER_OTHER_HOST',
      reason: 'started on another machine (ccsnap-2)',
    });
  });

  it('an operation of a live process is left to it, whatever state it is in', () => {
    for (const state of ['planned', 'freezing', 'frozen', 'rolling-back'] as const) {
      expect(decide(op({ pid: ALIVE, state, freezeSentAt: new Date(NOW).toISOString() }), explicit)).toMatchObject({
        kind: 'skip',
        code: 'CCSNAP_RECOVER_STILL_RUNNING',
        reason: `still running (pid ${ALIVE})`,
      });
    }
  });

  it('a dead create that never sent its freeze: closed as interrupted (locks released), no guest touched', () => {
    expect(decide(op({ state: 'planned' }), explicit)).toEqual(expect.objectContaining({ kind: 'close', code: 'CCSNAP_INTERRUPTED', guard: null, sets: [] }));
  });

  it('a dead create that sent its freeze without a confirmed thaw: its guest is guarded first', () => {
    const sent = op({ state: 'freezing', freezeSentAt: new Date(NOW - 1000).toISOString() });
    expect(decide(sent, explicit)).toMatchObject({ kind: 'close', guard: recoverGuard });
    expect(decide(sent, auto)).toMatchObject({ kind: 'close', guard: autoGuard });
  });

  it('an older journal without freeze_sent_at: the state says whether the freeze may have been sent', () => {
    for (const state of ['freezing', 'frozen', 'thawed'] as const)
      expect(decide(op({ state }), explicit)).toMatchObject({ kind: 'close', guard: recoverGuard });
    expect(decide(op({ state: 'planned' }), explicit)).toMatchObject({ kind: 'close', guard: null });
  });

  it('no guard when the thaw was confirmed, when no domain was recorded, or for a delete', () => {
    const sentAt = new Date(NOW - 1000).toISOString();
    expect(decide(op({ state: 'thawed', freezeSentAt: sentAt, thawConfirmedAt: sentAt }), explicit)).toMatchObject({ kind: 'close', guard: null });
    expect(decide(op({ state: 'frozen', freezeSentAt: sentAt, domain: null }), explicit)).toMatchObject({ kind: 'close', guard: null });
    expect(decide(op({ kind: 'delete', state: 'deleting' }), explicit)).toMatchObject({ kind: 'close', code: 'CCSNAP_INTERRUPTED', guard: null });
  });

  it('a set left creating is completed when every member was created, else cleaned; finished sets are not touched', () => {
    const full = set('s-full', 'creating', [member('v1', 'created'), member('v2', 'created')]);
    const half = set('s-half', 'creating', [member('v1', 'created'), member('v2', 'pending')]);
    const done = set('s-done', 'complete', [member('v1', 'created')]);
    const d = decide(op({ state: 'thawed' }), explicit, { setsOf: new Map([['op-1', [full, half, done]]]) });
    expect(d.kind === 'close' && d.sets).toEqual([
      { setId: 's-full', finish: 'complete', members: full.members },
      { setId: 's-half', finish: 'clean', members: half.members },
    ]);
  });

  it('a half-done rollback of a dead ccsnap is resumed by recover, and only pointed at by the automatic pass', () => {
    const plan = { setId: 's-1', volumes: [] };
    const rollback = op({ kind: 'rollback', state: 'rolling-back', plan });
    expect(decide(rollback, explicit)).toMatchObject({ kind: 'resume-rollback', code: 'CCSNAP_ROLLBACK_INCOMPLETE', plan });
    expect(decide(rollback, auto)).toMatchObject({ kind: 'skip', code: 'CCSNAP_ROLLBACK_INCOMPLETE' });
  });
});

describe('planRecover: finished operations whose thaw was never confirmed', () => {
  const finishedAgo = (ms: number, over: Partial<OperationRecord> = {}) =>
    op({
      state: 'failed',
      freezeSentAt: new Date(NOW - ms - 1000).toISOString(),
      finishedAt: new Date(NOW - ms).toISOString(),
      ...over,
    });

  it('recover checks the guest at once, however recent (up to a minute of its own guard)', () => {
    expect(decide(finishedAgo(1000), explicit)).toMatchObject({ kind: 'check-thaw', code: 'CCSNAP_THAW_UNCONFIRMED', guard: recoverGuard });
    expect(decide(finishedAgo(1000), { ...explicit, thawGuardMs: 20_000 })).toMatchObject({ guard: { ...recoverGuard, guardMs: 20_000 } });
  });

  it('the automatic pass leaves it to the watchdog during thaw_guard, then checks it in one round of short calls', () => {
    expect(decide(finishedAgo(1000), auto)).toMatchObject({ kind: 'ignore', code: 'CCSNAP_THAW_UNCONFIRMED' });
    expect(decide(finishedAgo(GUARD_MS), auto)).toMatchObject({ kind: 'ignore' });
    expect(decide(finishedAgo(GUARD_MS + 1), auto)).toMatchObject({ kind: 'check-thaw', guard: autoGuard });
    expect(decide(finishedAgo(1000), { ...auto, commandTimeoutMs: 2000 })).toMatchObject({ kind: 'ignore' });
    expect(decide(finishedAgo(GUARD_MS + 1), { ...auto, commandTimeoutMs: 2000 })).toMatchObject({ guard: { ...autoGuard, callTimeoutMs: 2000 } });
  });

  it('without a finish time, the age counts from the start', () => {
    const started = op({ state: 'failed', freezeSentAt: new Date(NOW).toISOString(), startedAt: new Date(NOW - GUARD_MS - 1).toISOString() });
    expect(planRecover(facts({ thawPending: [started] }), auto)).toMatchObject([{ kind: 'check-thaw' }]);
  });

  it('no domain recorded: nothing to guard (the thaw is just confirmed); another machine: skipped', () => {
    expect(decide(finishedAgo(1000, { domain: null }), explicit)).toMatchObject({ kind: 'check-thaw', guard: null });
    expect(decide(finishedAgo(1000, { hostname: 'ccsnap-2' }), explicit)).toMatchObject({ kind: 'skip', code: 'CCSNAP_RECOVER_OTHER_HOST' });
    expect(decide(finishedAgo(1000, { hostname: 'ccsnap-2' }), auto)).toMatchObject({ kind: 'ignore' });
  });

  it('the owner of a finished operation does not matter (its process may well be alive)', () => {
    expect(decide(finishedAgo(1000, { pid: ALIVE }), explicit)).toMatchObject({ kind: 'check-thaw' });
    expect(decide(finishedAgo(1000, { pid: ME.pid }), explicit)).toMatchObject({ kind: 'check-thaw' });
  });
});

describe('planRecover: the list', () => {
  it('one decision per operation: unfinished ones first, a thaw-pending one that is also unfinished only once', () => {
    const a = op({ id: 'a', state: 'frozen', freezeSentAt: new Date(NOW).toISOString() });
    const b = op({ id: 'b', state: 'failed', finishedAt: new Date(NOW).toISOString(), freezeSentAt: new Date(NOW).toISOString() });
    const c = op({ id: 'c', pid: ALIVE });
    const decisions = planRecover(facts({ unfinished: [a, c], thawPending: [b, a] }), explicit);
    expect(decisions.map((d) => [d.op.id, d.kind])).toEqual([
      ['a', 'close'],
      ['c', 'skip'],
      ['b', 'check-thaw'],
    ]);
  });

  it('nothing in the journal: nothing to do', () => {
    expect(planRecover(facts(), explicit)).toEqual([]);
  });

  describe('a shared journal (owner leases)', () => {
    it('never recovers an operation whose owner holds a lease, on this machine or another, even if the pid looks dead', () => {
      const here = op({ id: 'here', pid: DEAD, ownerId: 'w1', ownerAlive: true });
      const there = op({ id: 'there', hostname: 'ccsnap-2', pid: ALIVE, ownerId: 'w2', ownerAlive: true });
      const decisions = planRecover(facts({ unfinished: [here, there] }), explicit);
      expect(decisions.map((d) => [d.op.id, d.kind, d.code])).toEqual([
        ['here', 'skip', 'CCSNAP_RECOVER_STILL_RUNNING'],
        ['there', 'skip', 'CCSNAP_RECOVER_STILL_RUNNING'],
      ]);
    });

    it("recovers an operation of another machine once its owner's lease expired (and checks its guest there)", () => {
      const frozen = op({
        id: 'w2-op',
        hostname: 'ccsnap-2',
        pid: ALIVE,
        state: 'frozen',
        freezeSentAt: new Date(NOW - 5_000).toISOString(),
        ownerAlive: false,
      });
      const [d] = planRecover(facts({ unfinished: [frozen] }), explicit);
      expect(d).toMatchObject({ kind: 'close', code: 'CCSNAP_INTERRUPTED', guard: { domain: 'instance-00000001', host: 'compute-1' } });
    });

    it('an operation of this very process (same pid and machine) is left alone; the same pid on another machine is not this process', () => {
      const mine = op({ id: 'mine', pid: ME.pid, ownerAlive: false });
      const twin = op({ id: 'twin', pid: ME.pid, hostname: 'ccsnap-2', ownerAlive: false });
      const decisions = planRecover(facts({ unfinished: [mine, twin] }), explicit);
      expect(decisions.map((d) => [d.op.id, d.kind])).toEqual([
        ['mine', 'ignore'],
        ['twin', 'close'],
      ]);
    });
  });
});
