import { describe, expect, it } from 'vitest';
import type { SlotPort } from '../../../src/journal/port.js';
import { acquireSlots } from '../../../src/fleet/slots.js';

/** An in-memory SlotPort (no leases): enough to check the all-or-none order of acquireSlots. */
function memorySlots(): SlotPort & { held: Map<string, Set<string>>; tries: string[] } {
  const held = new Map<string, Set<string>>();
  const tries: string[] = [];
  return {
    held,
    tries,
    async tryAcquire(scope, capacity, holder) {
      tries.push(`${scope}:${holder}`);
      const s = held.get(scope) ?? new Set<string>();
      held.set(scope, s);
      if (s.has(holder)) return true;
      if (s.size >= capacity) return false;
      s.add(holder);
      return true;
    },
    async release(scope, holder) {
      held.get(scope)?.delete(holder);
    },
    async holders(scope) {
      return [...(held.get(scope) ?? [])];
    },
  };
}

describe('acquireSlots', () => {
  it('takes every claim, and release frees them all (once)', async () => {
    const port = memorySlots();
    const held = await acquireSlots(
      port,
      [
        { scope: 'host:c1', capacity: 2, holder: 'op1' },
        { scope: 'array:ec1', capacity: 4, holder: 'op1/v1' },
      ],
      60_000,
    );
    expect(await port.holders('host:c1')).toEqual(['op1']);
    expect(await port.holders('array:ec1')).toEqual(['op1/v1']);
    await held.release();
    await held.release();
    expect(await port.holders('host:c1')).toEqual([]);
    expect(await port.holders('array:ec1')).toEqual([]);
  });

  it('holds nothing while it waits: a full array frees the host slot it took, and both are taken once the array frees', async () => {
    const port = memorySlots();
    await port.tryAcquire('array:ec1', 1, 'other/v9', 60_000);
    const waiting = acquireSlots(
      port,
      [
        { scope: 'host:c1', capacity: 1, holder: 'op1' },
        { scope: 'array:ec1', capacity: 1, holder: 'op1/v1' },
      ],
      60_000,
    );
    // Wait for the event: a failed try of the array, then the host slot given back.
    while (!port.tries.includes('array:ec1:op1/v1') || (await port.holders('host:c1')).length > 0) await new Promise((r) => setImmediate(r));
    expect(await port.holders('host:c1')).toEqual([]);
    await port.release('array:ec1', 'other/v9');
    const held = await waiting;
    expect(await port.holders('host:c1')).toEqual(['op1']);
    expect(await port.holders('array:ec1')).toEqual(['op1/v1']);
    await held.release();
  });

  it('stops waiting when its signal aborts, holding nothing', async () => {
    const port = memorySlots();
    await port.tryAcquire('host:c1', 1, 'other', 60_000);
    const ac = new AbortController();
    const waiting = acquireSlots(port, [{ scope: 'host:c1', capacity: 1, holder: 'op1' }], 60_000, ac.signal);
    while (!port.tries.includes('host:c1:op1')) await new Promise((r) => setImmediate(r));
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toBeDefined();
    expect(await port.holders('host:c1')).toEqual(['other']);
  });
});
