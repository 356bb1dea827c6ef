import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Journal } from '../../src/journal/index.js';
import { pgJournals } from './journals.js';

/**
 * Compare-and-set under real concurrency: several journals (each its own pool of 4 connections, as several
 * worker processes would have) race for the same rows; exactly one wins every race.
 */
const WORKERS = 6;
const CALLS_PER_WORKER = 4;
const ROUNDS = 10;

const opener = pgJournals(inject('pg'));
let workers: Journal[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close()));
  workers = [];
});

async function openWorkers(): Promise<Journal[]> {
  const first = await opener.fresh();
  workers = [first, ...(await Promise.all(Array.from({ length: WORKERS - 1 }, () => opener.another(first))))];
  await Promise.all(workers.map((w) => w.listLocks())); // all connected and migrated before the races
  return workers;
}

/** Every worker makes `CALLS_PER_WORKER` calls of `call` at once; returns all the outcomes. */
function race<T>(all: Journal[], call: (w: Journal, i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(all.flatMap((w, wi) => Array.from({ length: CALLS_PER_WORKER }, (_, ci) => call(w, wi * CALLS_PER_WORKER + ci))));
}

const trues = (results: PromiseSettledResult<boolean>[]): number => results.filter((r) => r.status === 'fulfilled' && r.value).length;

describe('races across pools: exactly one winner', () => {
  it('recordOccurrence and startOccurrence', async () => {
    const all = await openWorkers();
    for (let round = 0; round < ROUNDS; round++) {
      const o = { policy: 'hourly', occurrence: `hourly@r${round}`, scheduledAt: `2026-05-01T${String(round).padStart(2, '0')}:00:00Z`, state: 'due' } as const;
      const recorded = await race(all, (w) => w.recordOccurrence(o));
      expect(recorded.every((r) => r.status === 'fulfilled')).toBe(true);
      expect(trues(recorded)).toBe(1);
      const started = await race(all, (w) => w.startOccurrence('hourly', o.occurrence));
      expect(started.every((r) => r.status === 'fulfilled')).toBe(true);
      expect(trues(started)).toBe(1);
    }
    expect((await all[0]!.listOccurrences({ states: ['running'] })).map((o) => o.ownerAlive)).toEqual(Array(ROUNDS).fill(true));
  });

  it('adoptOccurrence from the owner seen', async () => {
    const all = await openWorkers();
    for (let round = 0; round < ROUNDS; round++) {
      const occurrence = `daily@r${round}`;
      await all[0]!.recordOccurrence({ policy: 'daily', occurrence, scheduledAt: `2026-05-${String(round + 1).padStart(2, '0')}T00:00:00Z`, state: 'due' });
      await all[0]!.startOccurrence('daily', occurrence);
      const seen = (await all[1]!.getOccurrence('daily', occurrence))!;
      const adopted = await race(all.slice(1), (w) =>
        w.adoptOccurrence('daily', occurrence, { pid: seen.pid, hostname: seen.hostname, ownerId: seen.ownerId }),
      );
      expect(trues(adopted)).toBe(1);
      expect((await all[0]!.getOccurrence('daily', occurrence))!.ownerId).not.toBe(seen.ownerId);
    }
  });

  it('acquireLock: one holder, every other call is CCSNAP_LOCKED naming it', async () => {
    const all = await openWorkers();
    for (let round = 0; round < ROUNDS; round++) {
      const instance = `i${round}`;
      const results = await race(all, (w, i) => w.acquireLock(instance, `op${i}`));
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [`op${i}`] : []));
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'CCSNAP_LOCKED', details: { opId: won[0], stale: false } });
      }
      expect((await all[0]!.readLock(instance))?.opId).toBe(won[0]);
    }
  });

  it('acquire and release churn: never two holders of one instance at once', async () => {
    const all = await openWorkers();
    let inside = 0;
    let most = 0;
    let taken = 0;
    await Promise.all(
      all.map(async (w, wi) => {
        for (let n = 0; n < 15; n++) {
          const opId = `w${wi}-${n}`;
          try {
            await w.acquireLock('shared', opId);
          } catch (err) {
            expect(err).toMatchObject({ code: 'CCSNAP_LOCKED' });
            continue;
          }
          inside++;
          taken++;
          most = Math.max(most, inside);
          expect((await w.readLock('shared'))?.opId).toBe(opId);
          inside--;
          await w.releaseLock('shared', opId);
        }
      }),
    );
    expect(most).toBe(1);
    expect(taken).toBeGreaterThan(0);
    expect(await all[0]!.readLock('shared')).toBeUndefined();
  });
});
