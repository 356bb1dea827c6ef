import { describe, expect, it } from 'vitest';
import { createLimiter, mapLimited } from '../../src/util/limit.js';
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
