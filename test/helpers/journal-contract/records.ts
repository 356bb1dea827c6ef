import { describe, expect, it } from 'vitest';
import { OCC, TWO_MEMBERS, type ContractContext } from './context.js';

export function describeRecords(ctx: ContractContext): void {
  const { fresh, another } = ctx;
  describe(`journal contract (${ctx.backend}): operations, steps, sets`, () => {
    it('records a set with pending members, then completes it', async () => {
      const journal = await fresh();
      await journal.insertOperation({ id: 'op1', kind: 'create', instanceId: 'i1', instanceName: 'web-1', plan: { a: 1 } });
      await journal.insertSet({
        id: 'abc',
        instanceId: 'i1',
        instanceName: 'web-1',
        label: 'nightly',
        createdAt: '2026-11-26T00:00:00Z',
        opId: 'op1',
        members: TWO_MEMBERS,
      });
      expect((await journal.listUnfinishedOperations()).map((o) => o.id)).toEqual(['op1']);
      await journal.updateMember('abc', 'v1', { state: 'created', path: 'P/A/f1@s1' });
      await journal.finishSet('abc', { state: 'complete', consistency: 'filesystem-consistent', frozenMs: 12.5 });
      await journal.finishOperation('op1', { state: 'done' });
      const set = (await journal.getSet('abc'))!;
      expect(set).toMatchObject({
        state: 'complete',
        frozenMs: 12.5,
        createdAt: '2026-11-26T00:00:00Z',
        label: 'nightly',
        consistency: 'filesystem-consistent',
      });
      expect(set.members.map((m) => [m.volumeId, m.state, m.path])).toEqual([
        ['v1', 'created', 'P/A/f1@s1'],
        ['v2', 'pending', null],
      ]);
      expect(await journal.listUnfinishedOperations()).toEqual([]);
      expect(await journal.listSets({ instanceId: 'i1' })).toHaveLength(1);
      expect(await journal.listSets({ instanceId: 'other' })).toHaveLength(0);
      expect((await journal.listSetsOfOperation('op1')).map((s) => s.id)).toEqual(['abc']);
      expect(await journal.listSetsOfOperation('op2')).toEqual([]);
      expect(await journal.getSet('nope')).toBeUndefined();
    });

    it('lists the sets with a member on a batch of volumes, whichever instance made them, with all their members, newest first', async () => {
      const journal = await fresh();
      // Each instance's set has a member on its own two volumes, `<instance>-v1` and `<instance>-v2`.
      const add = async (id: string, instanceId: string, createdAt: string, members = ['v1', 'v2'].map((v) => `${instanceId}-${v}`)): Promise<void> => {
        await journal.insertOperation({ id: `op-${id}`, kind: 'create', instanceId, instanceName: instanceId, plan: {} });
        await journal.insertSet({
          id,
          instanceId,
          instanceName: instanceId,
          label: null,
          createdAt,
          opId: `op-${id}`,
          members: members.map((volumeId, i) => ({ volumeId, arrayName: 'ec1', fsId: `f-${volumeId}`, snapshotName: `snap${i + 1}-${id}` })),
        });
      };
      await add('s1', 'i1', '2026-11-26T00:00:00Z');
      await add('s2', 'i2', '2026-11-26T02:00:00Z');
      await add('s3', 'i3', '2026-11-26T03:00:00Z');
      await add('s4', 'i1', '2026-11-26T04:00:00Z');
      // i4's set has a member on i1's first volume too (a volume moved from i4, or shared with it).
      await add('s5', 'i4', '2026-11-26T05:00:00Z', ['i4-v1', 'i1-v1']);
      const sets = await journal.listSets({ volumeIds: ['i1-v1', 'i2-v2', 'nowhere'] });
      expect(sets.map((s) => s.id)).toEqual(['s5', 's4', 's2', 's1']);
      for (const set of sets)
        expect(set.members.map((m) => [m.setId, m.snapshotName.endsWith(`-${set.id}`)])).toEqual([
          [set.id, true],
          [set.id, true],
        ]);
      expect(sets[0]!.members.map((m) => m.volumeId)).toEqual(['i4-v1', 'i1-v1']);
      expect(await journal.listSets({ volumeIds: [] })).toEqual([]);
      const steps = [{ name: 'freeze', status: 'ok' as const, startedAt: '2026-11-26T04:00:00.000Z', durationMs: 4.2 }];
      await journal.finishSet('s4', { state: 'complete', steps });
      expect((await journal.listSets({ volumeIds: ['i1-v2'] }))[0]!.steps).toEqual(steps);
      const [light] = await journal.listSets({ volumeIds: ['i1-v2'], withSteps: false });
      expect(light).toMatchObject({ id: 's4', state: 'complete', steps: null });
      expect(light!.members).toHaveLength(2);
      expect((await journal.listSets({ volumeIds: ['i1-v1', 'i3-v1'], states: ['creating'] })).map((s) => s.id)).toEqual(['s5', 's3', 's1']);
      expect((await journal.listSets({ volumeIds: ['i1-v1'], instanceId: 'i4' })).map((s) => s.id)).toEqual(['s5']);
    });

    it('an operation record carries what was recorded, the plan and result as JSON', async () => {
      const journal = await fresh();
      await journal.insertOperation({
        id: 'op1',
        kind: 'create',
        instanceId: 'i1',
        instanceName: 'web-1',
        host: 'cmp-1',
        uri: 'qemu:///system',
        domain: 'instance-1',
        plan: { volumes: ['v1', 'v2'], n: 2 },
      });
      await journal.setOperationState('op1', 'frozen');
      const [op] = await journal.listOperations();
      expect(op).toMatchObject({
        id: 'op1',
        kind: 'create',
        instanceId: 'i1',
        instanceName: 'web-1',
        state: 'frozen',
        host: 'cmp-1',
        uri: 'qemu:///system',
        domain: 'instance-1',
        plan: { volumes: ['v1', 'v2'], n: 2 },
        result: null,
        finishedAt: null,
        errorCode: null,
        pid: process.pid,
      });
      expect(new Date(op!.startedAt).toISOString()).toBe(op!.startedAt);
      await journal.finishOperation('op1', { state: 'failed', result: { why: ['x'] }, errorCode: 'CCSNAP_FREEZE_FAILED', errorMessage: 'no agent' });
      expect((await journal.listOperations())[0]).toMatchObject({
        state: 'failed',
        result: { why: ['x'] },
        errorCode: 'CCSNAP_FREEZE_FAILED',
        errorMessage: 'no agent',
        finishedAt: expect.any(String),
      });
    });

    it('keeps steps in the order they were recorded', async () => {
      const journal = await fresh();
      await journal.insertOperation({ id: 'op1', kind: 'rollback', instanceId: 'i1', instanceName: 'web-1', plan: {} });
      const steps = [
        { name: 'stop', status: 'ok', startedAt: '2026-11-26T00:00:00.000Z', durationMs: 1.5, detail: {} },
        { name: 'rollback-volume', status: 'failed', startedAt: '2026-11-26T00:00:01.000Z', durationMs: 2, detail: { volumeId: 'v1', error: 'boom' } },
        { name: 'start', status: 'skipped', startedAt: '2026-11-26T00:00:02.000Z', durationMs: 0 },
      ] as const;
      for (const step of steps) await journal.recordStep('op1', step);
      expect(await journal.listSteps('op1')).toEqual(steps);
      expect(await journal.listSteps('op2')).toEqual([]);
    });

    it('an operation that records its error stays unfinished; adopting it moves it and its locks to the adopter', async () => {
      const journal = await fresh();
      await journal.acquireLock('i1', 'op1');
      await journal.insertOperation({ id: 'op1', kind: 'rollback', instanceId: 'i1', instanceName: 'web-1', plan: {} });
      await journal.setOperationState('op1', 'rolling-back');
      await journal.recordOperationError('op1', {
        errorCode: 'CCSNAP_ROLLBACK_INCOMPLETE',
        errorMessage: 'stopped',
        result: { volumes: [['v1', { state: 'failed' }]] },
      });
      const [op] = await journal.listUnfinishedOperations();
      expect(op).toMatchObject({
        id: 'op1',
        state: 'rolling-back',
        finishedAt: null,
        errorCode: 'CCSNAP_ROLLBACK_INCOMPLETE',
        errorMessage: 'stopped',
        result: { volumes: [['v1', { state: 'failed' }]] },
      });
      const before = (await journal.readLock('i1'))!;
      expect(before).toMatchObject({ opId: 'op1', ownerId: op!.ownerId, ownerAlive: true });

      const adopter = await another(journal);
      await adopter.adoptOperation('op1');
      const [adopted] = await adopter.listUnfinishedOperations();
      const lock = (await adopter.readLock('i1'))!;
      expect(adopted!.ownerId).not.toBe(op!.ownerId);
      expect(lock).toMatchObject({ opId: 'op1', pid: process.pid, ownerId: adopted!.ownerId, ownerAlive: true });

      await adopter.finishOperation('op1', { state: 'failed', errorCode: 'CCSNAP_INTERRUPTED', errorMessage: 'recovered' });
      await adopter.releaseLocksOf('op1');
      expect(await journal.readLock('i1')).toBeUndefined();
      expect(await journal.listUnfinishedOperations()).toEqual([]);
    });

    it('a snapshot gone marks its member deleted, and the set once nothing of it is left', async () => {
      const journal = await fresh();
      await journal.insertSet({
        id: 'abc',
        instanceId: 'i1',
        instanceName: 'web-1',
        label: null,
        createdAt: '2026-11-26T00:00:00Z',
        opId: 'op1',
        members: TWO_MEMBERS,
      });
      await journal.finishSet('abc', { state: 'complete' });
      await journal.markSnapshotGone('s1');
      expect(await journal.getSet('abc')).toMatchObject({ state: 'complete', members: [{ state: 'deleted' }, { state: 'pending' }] });
      await journal.markSnapshotGone('unknown');
      await journal.markSnapshotGone('s2');
      expect((await journal.getSet('abc'))?.state).toBe('deleted');
    });

    it('lists operations whose freeze was sent until their thaw is confirmed', async () => {
      const journal = await fresh();
      await journal.insertOperation({ id: 'op1', kind: 'create', instanceId: 'i1', instanceName: 'web-1', domain: 'instance-1', plan: {} });
      await journal.markFreezeSent('op1', new Date('2026-11-26T00:00:00Z'));
      await journal.finishOperation('op1', { state: 'failed', errorCode: 'CCSNAP_FREEZE_FAILED', errorMessage: 'agent timeout' });
      expect(await journal.listThawPending()).toEqual([expect.objectContaining({ id: 'op1', state: 'failed', freezeSentAt: '2026-11-26T00:00:00.000Z' })]);
      await journal.markThawConfirmed('op1', 'recover');
      await journal.markThawConfirmed('op1', 'watchdog');
      expect(await journal.listThawPending()).toEqual([]);
      expect((await journal.listOperations())[0]).toMatchObject({ thawedBy: 'recover', thawConfirmedAt: expect.any(String) });
    });

    it('listOperations filters by kind, state, instance, start time and limit, newest first', async () => {
      const journal = await fresh();
      const add = (id: string, kind: 'create' | 'delete', instanceId: string): Promise<void> =>
        journal.insertOperation({ id, kind, instanceId, instanceName: `name-${instanceId}`, plan: {} });
      await add('op1', 'create', 'i1');
      await add('op2', 'create', 'i2');
      await add('op3', 'delete', 'i1');
      await add('op4', 'create', 'i1');
      await journal.finishOperation('op1', { state: 'failed', errorCode: 'CCSNAP_FREEZE_FAILED', errorMessage: 'no agent' });
      await journal.finishOperation('op2', { state: 'done' });
      await journal.finishOperation('op4', { state: 'failed', errorCode: 'CCSNAP_ARRAY_TIMEOUT', errorMessage: 'slow' });
      expect((await journal.listOperations({ kinds: ['create'], states: ['failed'] })).map((o) => [o.id, o.errorCode])).toEqual([
        ['op4', 'CCSNAP_ARRAY_TIMEOUT'],
        ['op1', 'CCSNAP_FREEZE_FAILED'],
      ]);
      expect((await journal.listOperations({ instanceId: 'i1' })).map((o) => o.id)).toEqual(['op4', 'op3', 'op1']);
      expect((await journal.listOperations({ instanceId: 'i1', limit: 1 })).map((o) => o.id)).toEqual(['op4']);
      expect((await journal.listOperations({ kinds: ['delete'] })).map((o) => o.id)).toEqual(['op3']);
      expect((await journal.listOperations({ since: '2000-01-01T00:00:00.000Z' })).map((o) => o.id).sort()).toEqual(['op1', 'op2', 'op3', 'op4']);
      expect(await journal.listOperations({ since: '2999-01-01T00:00:00.000Z' })).toEqual([]);
    });

    it('policy sets record the policy and occurrence they served; a half-named one is refused, writing nothing', async () => {
      const journal = await fresh();
      const base = { instanceId: 'i1', instanceName: 'web-1', label: null, opId: 'op1' };
      await journal.insertSet({ ...base, id: 'p1', createdAt: '2026-05-01T10:00:05Z', members: [TWO_MEMBERS[0]!], policy: 'hourly', occurrence: OCC });
      await journal.insertSet({ ...base, id: 'm1', createdAt: '2026-05-01T10:30:00Z', members: [TWO_MEMBERS[1]!] });
      await expect(journal.insertSet({ ...base, id: 'a', createdAt: '2026-05-01T11:00:00Z', members: [], policy: 'hourly' })).rejects.toMatchObject({
        code: 'CCSNAP_INTERNAL',
      });
      await expect(journal.insertSet({ ...base, id: 'b', createdAt: '2026-05-01T11:00:00Z', members: [], occurrence: OCC })).rejects.toMatchObject({
        code: 'CCSNAP_INTERNAL',
      });
      expect(await journal.getSet('p1')).toMatchObject({ policy: 'hourly', occurrence: OCC });
      expect(await journal.getSet('m1')).toMatchObject({ policy: null, occurrence: null });
      expect((await journal.listSets({ policy: 'hourly' })).map((s) => s.id)).toEqual(['p1']);
      expect((await journal.listSets({ occurrence: OCC })).map((s) => s.id)).toEqual(['p1']);
      expect((await journal.listSets({ states: ['creating'] })).map((s) => s.id)).toEqual(['m1', 'p1']);
      expect((await journal.listSets()).map((s) => s.id)).toEqual(['m1', 'p1']);
    });
  });
}
