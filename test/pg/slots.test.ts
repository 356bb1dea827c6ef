import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Journal, SlotPort } from '../../src/journal/index.js';
import { pgJournals } from './journals.js';
import { pollUntil } from '../helpers/poll.js';

/** The counting semaphore across workers: several journals (pools) acquire slots of one scope at once. */
const opener = pgJournals(inject('pg'));
let workers: Journal[] = [];
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close()));
  workers = [];
});

async function openWorkers(n: number): Promise<SlotPort[]> {
  const first = await opener.fresh();
  workers = [first, ...(await Promise.all(Array.from({ length: n - 1 }, () => opener.another(first))))];
  await Promise.all(workers.map((w) => w.listLocks()));
  return workers.map((w) => w.slots!);
}

const LEASE = 60_000;

describe('slots (PostgreSQL)', () => {
  it('of 30 acquirers at once on 6 pools, exactly `capacity` get a slot; released slots go to others', async () => {
    const slots = await openWorkers(6);
    const holders = Array.from({ length: 30 }, (_, i) => `h${String(i).padStart(2, '0')}`);
    const first = await Promise.all(holders.map((h, i) => slots[i % 6]!.tryAcquire('host:cmp-1', 3, h, LEASE)));
    const winners = holders.filter((_, i) => first[i]);
    expect(winners).toHaveLength(3);
    expect(await slots[0]!.holders('host:cmp-1')).toEqual(winners);
    // Another scope is counted apart.
    expect(await slots[1]!.tryAcquire('host:cmp-2', 3, 'h00', LEASE)).toBe(true);
    await Promise.all(winners.map((h) => slots[0]!.release('host:cmp-1', h)));
    const rest = holders.filter((h) => !winners.includes(h));
    const second = await Promise.all(rest.map((h, i) => slots[i % 6]!.tryAcquire('host:cmp-1', 3, h, LEASE)));
    expect(second.filter(Boolean)).toHaveLength(3);
    expect(await slots[0]!.holders('host:cmp-1')).toHaveLength(3);
  });

  it('acquiring again is idempotent for a holder (even when full); the capacity is never exceeded under churn', async () => {
    const slots = await openWorkers(6);
    expect(await slots[0]!.tryAcquire('array:ec1', 2, 'a', LEASE)).toBe(true);
    expect(await slots[1]!.tryAcquire('array:ec1', 2, 'b', LEASE)).toBe(true);
    expect(await slots[2]!.tryAcquire('array:ec1', 2, 'a', LEASE)).toBe(true);
    expect(await slots[3]!.tryAcquire('array:ec1', 2, 'c', LEASE)).toBe(false);
    expect(await slots[4]!.holders('array:ec1')).toEqual(['a', 'b']);
    await slots[0]!.release('array:ec1', 'a');
    await slots[0]!.release('array:ec1', 'b');

    let inside = 0;
    let most = 0;
    let granted = 0;
    await Promise.all(
      slots.flatMap((s, wi) =>
        [0, 1, 2].map(async (k) => {
          const holder = `w${wi}-${k}`;
          for (let n = 0; n < 10; n++) {
            if (!(await s.tryAcquire('host:busy', 2, holder, LEASE))) continue;
            inside++;
            granted++;
            most = Math.max(most, inside);
            expect((await s.holders('host:busy')).length).toBeLessThanOrEqual(2);
            inside--;
            await s.release('host:busy', holder);
          }
        }),
      ),
    );
    expect(most).toBeLessThanOrEqual(2);
    expect(granted).toBeGreaterThan(0);
    expect(await slots[0]!.holders('host:busy')).toEqual([]);
  });

  it('a slot expires by the server clock: once its holder is gone from holders(), another may take it', async () => {
    const [a, b] = await openWorkers(2);
    expect(await a!.tryAcquire('host:x', 1, 'short', 300)).toBe(true);
    expect(await b!.tryAcquire('host:x', 1, 'other', LEASE)).toBe(false);
    await pollUntil('the slot to expire', async () => (await b!.holders('host:x')).length === 0);
    expect(await b!.tryAcquire('host:x', 1, 'other', LEASE)).toBe(true);
    expect(await a!.holders('host:x')).toEqual(['other']);
  });

  it('a capacity of 0 admits nobody; a bad capacity or lease is refused', async () => {
    const [a] = await openWorkers(1);
    expect(await a!.tryAcquire('host:off', 0, 'h', LEASE)).toBe(false);
    await expect(a!.tryAcquire('host:x', 1.5, 'h', LEASE)).rejects.toMatchObject({ code: 'CCSNAP_INTERNAL' });
    await expect(a!.tryAcquire('host:x', 1, 'h', 0)).rejects.toMatchObject({ code: 'CCSNAP_INTERNAL' });
  });
});
