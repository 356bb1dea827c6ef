import { describe, expect, it } from 'vitest';
import { applyRecover, type RecoverDeps } from '../../../src/engine/apply-recover.js';
import type { RecoverDecision, RecoverGuard } from '../../../src/engine/plan-recover.js';
import { fakeWorld } from './fakes.js';

const GUARD: RecoverGuard = { host: 'compute-1', domain: 'instance-00000001', guardMs: 0, callTimeoutMs: 1000, retryDelayMs: 0 };

/** A create of a dead ccsnap, in the fake world's journal: freeze sent, the guest frozen, one of two snapshots taken. */
async function interruptedCreate() {
  const w = fakeWorld();
  const { journal } = w;
  await journal.insertOperation({ id: 'op-1', kind: 'create', instanceId: 'i-1', instanceName: 'web-1', host: 'compute-1', domain: GUARD.domain, plan: {} });
  await journal.acquireLock('i-1', 'op-1');
  await journal.insertSet({
    id: 's-1',
    instanceId: 'i-1',
    instanceName: 'web-1',
    label: null,
    createdAt: new Date().toISOString(),
    opId: 'op-1',
    members: [
      { volumeId: 'v1', arrayName: 'ec1', fsId: 'fs1', snapshotName: 'snap-1' },
      { volumeId: 'v2', arrayName: 'ec1', fsId: 'fs2', snapshotName: 'snap-2' },
    ],
  });
  await journal.markFreezeSent('op-1', new Date());
  await journal.setOperationState('op-1', 'frozen');
  await w.deps.hypervisor.freeze(GUARD.domain);
  await w.deps.array('ec1').createStorageSnapshot({ fsId: 'fs1', name: 'snap-1' });
  const deps: RecoverDeps = {
    journal,
    hypervisorFor: () => w.deps.hypervisor,
    array: (name) => w.deps.array(name),
    compute: () => Promise.reject(new Error('no rollback here')),
    timeouts: { powerMs: 1000, arrayMs: 1000, cleanupMs: 1000 },
  };
  const op = (await journal.listUnfinishedOperations())[0]!;
  const set = (await journal.getSet('s-1'))!;
  const close: RecoverDecision = {
    kind: 'close',
    op,
    code: 'CCSNAP_INTERRUPTED',
    reason: 'interrupted',
    guard: GUARD,
    sets: [{ setId: 's-1', finish: 'clean', members: set.members }],
  };
  return { w, deps, op, close };
}

describe('applyRecover', () => {
  it('closes a dead create: thaws the guest, cleans its set, closes the operation, releases its lock, journals each step', async () => {
    const { w, deps, close } = await interruptedCreate();
    const [report] = await applyRecover([close], deps);
    expect(report).toMatchObject({ opId: 'op-1', action: 'thaw and clean', outcome: 'recovered', code: 'CCSNAP_INTERRUPTED' });
    expect(report!.detail).toBe('guest instance-00000001 is thawed (recover thawed 1 filesystem(s)); set s-1 cleaned (1 snapshot(s) deleted)');
    expect(w.hv.frozen).toBe(false);
    expect(w.snaps.get('fs1')).toEqual([]);
    expect(await w.journal.getSet('s-1')).toMatchObject({ state: 'failed', thawedBy: 'recover' });
    expect(await w.journal.listUnfinishedOperations()).toEqual([]);
    expect(await w.journal.listThawPending()).toEqual([]);
    expect(await w.journal.readLock('i-1')).toBeUndefined();
    expect((await w.journal.listSteps('op-1')).map((s) => [s.name, s.status])).toEqual([
      ['recover-thaw', 'ok'],
      ['recover-clean-set', 'ok'],
    ]);
  });

  it('a thaw it cannot confirm: reported failed with CCSNAP_THAW_UNCONFIRMED; the operation stays open, its lock and its set untouched', async () => {
    const { w, deps, close } = await interruptedCreate();
    w.hv.failThaw = 1;
    const [report] = await applyRecover([close], deps);
    expect(report).toMatchObject({ action: 'thaw and clean', outcome: 'failed', code: 'CCSNAP_INTERRUPTED', error: { code: 'CCSNAP_THAW_UNCONFIRMED' } });
    expect(report!.error!.message).toMatch(/^could not confirm instance-00000001 thawed: status after thaw attempt 1: frozen \[CCSNAP_HV_STILL_FROZEN\]$/);
    expect((await w.journal.listUnfinishedOperations()).map((o) => o.id)).toEqual(['op-1']);
    expect((await w.journal.readLock('i-1'))?.opId).toBe('op-1');
    expect((await w.journal.getSet('s-1'))!.state).toBe('creating');
    expect((await w.journal.listSteps('op-1')).map((s) => [s.name, s.status])).toEqual([['recover-thaw', 'failed']]);
  });

  it('checks the thaw of a finished operation and confirms it; an unconfirmed one stays thaw-pending', async () => {
    const { w, deps, op } = await interruptedCreate();
    await w.journal.finishOperation('op-1', { state: 'failed', errorCode: 'CCSNAP_FREEZE_FAILED', errorMessage: 'agent timeout' });
    const check: RecoverDecision = { kind: 'check-thaw', op, code: 'CCSNAP_THAW_UNCONFIRMED', reason: 'no thaw confirmed', guard: GUARD };
    w.hv.failThaw = 1;
    expect(await applyRecover([check], deps)).toMatchObject([{ action: 'check thaw', outcome: 'failed', error: { code: 'CCSNAP_THAW_UNCONFIRMED' } }]);
    expect((await w.journal.listThawPending()).map((o) => o.id)).toEqual(['op-1']);
    expect(await applyRecover([check], deps)).toMatchObject([
      { action: 'check thaw', outcome: 'recovered', detail: 'guest instance-00000001 is thawed (recover thawed 1 filesystem(s))' },
    ]);
    expect(await w.journal.listThawPending()).toEqual([]);
    expect(w.hv.frozen).toBe(false);
  });

  it('reports a skip as it was decided, and nothing for an ignored operation; touches neither', async () => {
    const { w, deps, op } = await interruptedCreate();
    const reports = await applyRecover(
      [
        { kind: 'ignore', op, code: 'CCSNAP_RECOVER_STILL_RUNNING', reason: 'an operation of this process' },
        { kind: 'skip', op, code: 'CCSNAP_RECOVER_STILL_RUNNING', reason: 'still running (pid 42)' },
      ],
      deps,
    );
    expect(reports).toEqual([
      expect.objectContaining({ action: 'none', outcome: 'skipped', code: 'CCSNAP_RECOVER_STILL_RUNNING', detail: 'still running (pid 42)' }),
    ]);
    expect(w.hv.frozen).toBe(true);
    expect(await w.journal.listSteps('op-1')).toEqual([]);
  });

  it('an error in one decision is reported with its code, and the next decision still runs', async () => {
    const { w, deps, op, close } = await interruptedCreate();
    const rollback: RecoverDecision = {
      kind: 'resume-rollback',
      op: { ...op, id: 'op-r', kind: 'rollback' },
      code: 'CCSNAP_ROLLBACK_INCOMPLETE',
      reason: 'half-done',
      plan: { instance: { host: 'compute-1' } } as never,
    };
    const reports = await applyRecover([rollback, close], deps);
    expect(reports.map((r) => [r.opId, r.outcome, r.error?.code])).toEqual([
      ['op-r', 'failed', 'CCSNAP_INTERNAL'],
      ['op-1', 'recovered', undefined],
    ]);
    expect(reports[0]!.detail).toBe('no rollback here [CCSNAP_INTERNAL]');
    expect(w.hv.frozen).toBe(false);
  });
});
