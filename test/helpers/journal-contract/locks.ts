import { describe, expect, it } from 'vitest';
import { withInstanceLock } from '../../../src/journal/index.js';
import type { ContractContext } from './context.js';

export function describeLocks(ctx: ContractContext): void {
  const { fresh, another } = ctx;
  describe(`journal contract (${ctx.backend}): locks and owners`, () => {
    it('refuses a second lock on the same instance, naming the holder, until it is released', async () => {
      const journal = await fresh();
      await journal.acquireLock('i1', 'op1');
      const other = await another(journal);
      await expect(other.acquireLock('i1', 'op2')).rejects.toMatchObject({ code: 'CCSNAP_LOCKED', details: { opId: 'op1', stale: false } });
      await expect(journal.acquireLock('i1', 'op1')).rejects.toMatchObject({ code: 'CCSNAP_LOCKED' });
      await other.releaseLock('i1', 'op2'); // not its lock: nothing happens
      expect((await journal.readLock('i1'))?.opId).toBe('op1');
      await journal.releaseLock('i1', 'op1');
      await other.acquireLock('i1', 'op2');
      expect((await other.listLocks()).map((l) => [l.instanceId, l.opId])).toEqual([['i1', 'op2']]);
    });

    it('withInstanceLock releases the lock when the work fails', async () => {
      const journal = await fresh();
      await expect(
        withInstanceLock(journal, 'i1', async () => {
          expect(await journal.readLock('i1')).toBeDefined();
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await journal.readLock('i1')).toBeUndefined();
    });

    it('every record names its owner: one id per open journal, alive while it is open', async () => {
      const a = await fresh();
      const b = await another(a);
      await a.insertOperation({ id: 'op-a', kind: 'create', instanceId: 'i1', instanceName: 'web-1', plan: {} });
      await b.insertOperation({ id: 'op-b', kind: 'create', instanceId: 'i2', instanceName: 'web-2', plan: {} });
      await a.acquireLock('i1', 'op-a');
      const ops = new Map((await b.listOperations()).map((o) => [o.id, o]));
      const ownerA = ops.get('op-a')!.ownerId;
      expect(ownerA).toEqual(expect.any(String));
      expect(ops.get('op-b')!.ownerId).not.toBe(ownerA);
      expect([...ops.values()].map((o) => o.ownerAlive)).toEqual([true, true]);
      expect(await b.readLock('i1')).toMatchObject({ ownerId: ownerA, ownerAlive: true, pid: process.pid });
    });
  });
}
