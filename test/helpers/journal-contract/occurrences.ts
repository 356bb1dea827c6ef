import { describe, expect, it } from 'vitest';
import { DUE, OCC, type ContractContext } from './context.js';

/** An occurrence started by a journal of this (live) process. */
const RUNNING_BY_THIS_PROCESS = {
  state: 'running',
  pid: process.pid,
  ownerId: expect.any(String) as unknown,
  ownerAlive: true,
  startedAt: expect.any(String) as unknown,
};

export function describeOccurrences(ctx: ContractContext): void {
  const { fresh, another } = ctx;
  describe(`journal contract (${ctx.backend}): policy occurrences`, () => {
    it('are recorded once: the second record of the same (policy, occurrence) changes nothing', async () => {
      const journal = await fresh();
      expect(await journal.recordOccurrence(DUE)).toBe(true);
      expect(await journal.recordOccurrence({ ...DUE, state: 'missed', reason: 'x' })).toBe(false);
      expect(await journal.getOccurrence('hourly', OCC)).toMatchObject({
        state: 'due',
        reason: null,
        pid: null,
        ownerId: null,
        ownerAlive: null,
        startedAt: null,
        finishedAt: null,
      });
      expect(
        await journal.recordOccurrence({ policy: 'daily', occurrence: 'daily@2026-05-01T10:00:00Z', scheduledAt: '2026-05-01T10:00:00Z', state: 'due' }),
      ).toBe(true);
    });

    it('start once: due → running for exactly one of many concurrent starters on two journals', async () => {
      const a = await fresh();
      const b = await another(a);
      await a.recordOccurrence(DUE);
      expect(await b.recordOccurrence(DUE)).toBe(false);
      const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).startOccurrence('hourly', OCC)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await b.getOccurrence('hourly', OCC)).toMatchObject(RUNNING_BY_THIS_PROCESS);
      expect(await a.startOccurrence('hourly', 'hourly@2026-05-01T11:00:00Z')).toBe(false);
    });

    it('an occurrence recorded running is started by the recorder in the same write; nobody can start it again', async () => {
      const a = await fresh();
      const b = await another(a);
      expect(await a.recordOccurrence({ ...DUE, state: 'running' })).toBe(true);
      expect(await b.getOccurrence('hourly', OCC)).toMatchObject({ ...RUNNING_BY_THIS_PROCESS, finishedAt: null });
      expect(await b.startOccurrence('hourly', OCC)).toBe(false);
      expect(await b.recordOccurrence({ ...DUE, state: 'running' })).toBe(false);
    });

    it('adopting is a compare-and-set on the owner seen: of two adopters, one wins; then finished with its result', async () => {
      const runner = await fresh();
      await runner.recordOccurrence(DUE);
      await runner.startOccurrence('hourly', OCC);
      const seen = (await runner.getOccurrence('hourly', OCC))!;
      const from = { pid: seen.pid, hostname: seen.hostname, ownerId: seen.ownerId };
      const [x, y] = [await another(runner), await another(runner)];
      const wins = await Promise.all([x.adoptOccurrence('hourly', OCC, from), y.adoptOccurrence('hourly', OCC, from)]);
      expect(wins.filter(Boolean)).toHaveLength(1);
      const winner = wins[0] ? x : y;
      const now = (await winner.getOccurrence('hourly', OCC))!;
      expect(now.ownerId).not.toBe(seen.ownerId);
      await winner.finishOccurrence('hourly', OCC, {
        state: 'done',
        result: {
          instances: [
            { id: 'i1', setId: 'p1' },
            { id: 'i2', missed: 'locked' },
          ],
        },
      });
      expect(await runner.getOccurrence('hourly', OCC)).toMatchObject({
        state: 'done',
        finishedAt: expect.any(String),
        result: {
          instances: [
            { id: 'i1', setId: 'p1' },
            { id: 'i2', missed: 'locked' },
          ],
        },
      });
      expect(await runner.startOccurrence('hourly', OCC)).toBe(false);
    });

    it('adopting touches only a running occurrence', async () => {
      const journal = await fresh();
      await journal.recordOccurrence(DUE);
      expect(await journal.adoptOccurrence('hourly', OCC)).toBe(false);
      expect(await journal.getOccurrence('hourly', OCC)).toMatchObject({ state: 'due', pid: null });
    });

    it('can be recorded missed at once, with the reason', async () => {
      const journal = await fresh();
      const occurrence = 'hourly@2026-05-01T07:00:00Z';
      await journal.recordOccurrence({
        policy: 'hourly',
        occurrence,
        scheduledAt: '2026-05-01T07:00:00Z',
        state: 'missed',
        reason: 'its window passed while no ccsnap ran',
      });
      expect(await journal.getOccurrence('hourly', occurrence)).toMatchObject({
        state: 'missed',
        reason: 'its window passed while no ccsnap ran',
        finishedAt: expect.any(String),
        pid: null,
      });
      expect(await journal.startOccurrence('hourly', occurrence)).toBe(false);
    });

    it('list newest scheduled first, by policy, state and limit', async () => {
      const journal = await fresh();
      const rec = (policy: string, iso: string, state: 'due' | 'missed') =>
        journal.recordOccurrence({ policy, occurrence: `${policy}@${iso}`, scheduledAt: iso, state });
      await rec('hourly', '2026-05-01T09:00:00Z', 'missed');
      await rec('hourly', '2026-05-01T11:00:00Z', 'due');
      await rec('hourly', '2026-05-01T10:00:00Z', 'due');
      await rec('daily', '2026-05-01T00:00:00Z', 'due');
      expect((await journal.listOccurrences()).map((o) => o.occurrence)).toEqual([
        'hourly@2026-05-01T11:00:00Z',
        'hourly@2026-05-01T10:00:00Z',
        'hourly@2026-05-01T09:00:00Z',
        'daily@2026-05-01T00:00:00Z',
      ]);
      expect((await journal.listOccurrences({ policy: 'hourly', limit: 1 })).map((o) => o.occurrence)).toEqual(['hourly@2026-05-01T11:00:00Z']);
      expect((await journal.listOccurrences({ policy: 'hourly', states: ['missed'] })).map((o) => o.occurrence)).toEqual(['hourly@2026-05-01T09:00:00Z']);
      expect(await journal.listOccurrences({ policy: 'daily', states: ['done'] })).toEqual([]);
    });
  });
}
