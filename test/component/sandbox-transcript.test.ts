import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { Transcript } from '../../src/sandbox/transcript.js';

const entry = (path: string) => ({ service: 'control', method: 'GET', path, query: '' });

describe('the transcript keeps the newest requests, at most its limit', () => {
  it('drops the oldest in steps, keeps seq numbers, and lists from any seq', () => {
    const t = new Transcript(8);
    for (let i = 1; i <= 10; i++) t.begin(entry(`/r${i}`));
    // Up to the limit plus a quarter of it (10 = 8 + 2), nothing is dropped.
    expect(t.firstSeq()).toBe(1);
    expect(t.list(0)).toHaveLength(10);
    t.begin(entry('/r11'));
    expect(t.firstSeq()).toBe(4);
    expect(t.list(0).map((e) => e.seq)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(t.list(9).map((e) => e.path)).toEqual(['/r10', '/r11']);
    expect(t.list(11)).toEqual([]);
    expect(t.latest()?.path).toBe('/r11');
    expect(t.lastSeq()).toBe(11);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new Transcript(0)).toThrow(RangeError);
    expect(() => new Transcript(1.5)).toThrow(RangeError);
  });

  describe('over HTTP', () => {
    let sandbox: RunningSandbox | undefined;
    afterEach(async () => {
      await sandbox?.close();
      sandbox = undefined;
    });

    it('says from which seq it still has entries, so a reader sees what it missed', async () => {
      sandbox = await startSandbox({ transcriptLimit: 4 });
      for (let i = 0; i < 6; i++) expect((await fetch(`${sandbox.url}/_sandbox/info`)).status).toBe(200);
      const body = (await (await fetch(`${sandbox.url}/_sandbox/transcript?since=0`)).json()) as { transcript: Array<{ seq: number }>; firstSeq: number };
      // Limit 4, dropped a step of 1 over it: the sixth request left 4 (3..6), this seventh one makes 5.
      expect(body.firstSeq).toBe(3);
      expect(body.transcript.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7]);
    });
  });
});
