import { describe, expect, it } from 'vitest';
import { createLimiter, forEachLimited, mapLimited } from '../../src/util/limit.js';
import { parseDuration } from '../../src/util/time.js';

describe('createLimiter', () => {
  it('never runs more than max tasks at once', async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
  });

  it('keeps result order in mapLimited', async () => {
    const out = await mapLimited([30, 10, 20], 3, async (ms, i) => {
      await new Promise((r) => setTimeout(r, ms));
      return i;
    });
    expect(out).toEqual([0, 1, 2]);
  });
});

describe('parseDuration', () => {
  it('parses units', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('15')).toBe(15_000);
  });
  it('rejects garbage with a usage error', () => {
    expect(() => parseDuration('soon')).toThrow(/invalid duration/);
  });
});

describe('createLimiter, many waiting tasks', () => {
  it('starts waiting tasks in FIFO order, however many wait', async () => {
    const limit = createLimiter(3);
    const started: number[] = [];
    const release: Array<() => void> = [];
    const all = Promise.all(
      Array.from({ length: 5000 }, (_, i) =>
        limit(async () => {
          started.push(i);
          await new Promise<void>((r) => release.push(r));
          return i;
        }),
      ),
    );
    // Release one task at a time: each release lets exactly the next waiting task start.
    while (release.length > 0) {
      release.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    expect(await all).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(started).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});

describe('forEachLimited', () => {
  it('runs every item once, at most max at once, started in order', async () => {
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    await forEachLimited(
      Array.from({ length: 50 }, (_, i) => i),
      4,
      async (item, i) => {
        expect(item).toBe(i);
        started.push(i);
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setImmediate(r));
        active--;
      },
    );
    expect(started).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(peak).toBe(4);
  });

  it('starts nothing after a failure, lets the started ones settle, then throws the first error', async () => {
    const started: number[] = [];
    const settled: number[] = [];
    const release: Array<() => void> = [];
    const run = forEachLimited([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      if (i === 1) throw new Error('boom 1');
      await new Promise<void>((r) => release.push(r));
      settled.push(i);
    });
    // Item 0 waits; item 1 fails: no item is started after it, and the call waits for item 0.
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    release.shift()!();
    await expect(run).rejects.toThrow('boom 1');
    expect(started).toEqual([0, 1]);
    expect(settled).toEqual([0]);
  });

  it('does nothing for no items', async () => {
    await forEachLimited([], 3, async () => {
      throw new Error('never');
    });
  });
});
