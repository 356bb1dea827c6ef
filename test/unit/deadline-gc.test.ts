import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { deadlineAt, pendingDeadlines, startDeadline, withDeadline } from '../../src/util/deadline.js';

const run = promisify(execFile);
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../fixtures/gc/deadlines-under-gc.mjs', import.meta.url));

describe('the deadline primitive', () => {
  it("aborts with a TimeoutError at its deadline, or with the parent's reason first", async () => {
    const d = startDeadline(20, undefined, 'x');
    await new Promise((r) => d.signal.addEventListener('abort', r, { once: true }));
    expect((d.signal.reason as DOMException).name).toBe('TimeoutError');
    const parent = new AbortController();
    const child = startDeadline(60_000, parent.signal);
    parent.abort(new Error('user'));
    expect(child.signal.aborted).toBe(true);
    expect((child.signal.reason as Error).message).toBe('user');
    expect(pendingDeadlines()).toBe(0);
  });

  it('many deadlines on one parent: each hears its abort, and no listener-leak warning is printed', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      const parent = new AbortController();
      const cleared = Array.from({ length: 15 }, () => startDeadline(60_000, parent.signal));
      for (const d of cleared) d.clear();
      const live = Array.from({ length: 15 }, () => startDeadline(60_000, parent.signal));
      parent.abort(new Error('user'));
      expect(live.map((d) => d.signal.aborted)).toEqual(live.map(() => true));
      // A cleared deadline was detached from its parent: the parent's abort does not reach it.
      expect(cleared.some((d) => d.signal.aborted)).toBe(false);
      // A warning is emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('clears its timer when the operation ends, and an absolute deadline in the past fires at once', async () => {
    const before = pendingDeadlines();
    await withDeadline(60_000, undefined, async () => 'done');
    expect(pendingDeadlines()).toBe(before);
    const past = deadlineAt(Date.now() - 5);
    await new Promise((r) => past.signal.addEventListener('abort', r, { once: true }));
    expect(past.signal.aborted).toBe(true);
  });

  // Node 20: a timeout inside AbortSignal.any can be collected before it fires (nodejs/node#57736).
  it('fires every deadline while a full GC runs every 10 ms (node --expose-gc), a hung array request included', async () => {
    const { stdout } = await run(process.execPath, ['--expose-gc', SCRIPT, DIST], { encoding: 'utf8', timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      results: Array<{ name: string; due: number; firedAfter: number; code?: string }>;
      timedOut: boolean;
    };
    expect(out.timedOut).toBe(false);
    expect(out.results).toHaveLength(5);
    for (const r of out.results) {
      expect(r.firedAfter, r.name).toBeGreaterThanOrEqual(r.due - 5);
      // fired, and not at some later, unrelated time (the array's own timeout is 30 s)
      expect(r.firedAfter, r.name).toBeLessThan(r.due + 10_000);
    }
    expect(out.results.find((r) => r.name.startsWith('array request'))?.code).toBe('CCSNAP_ABORTED');
    console.log(`[deadline-gc] lateness ms: ${out.results.map((r) => `${r.name} +${r.firedAfter - r.due}`).join(', ')}`);
  });
});

describe('deadlines in the product', () => {
  it('come only from the primitive: no AbortSignal.timeout or AbortSignal.any anywhere in src/', () => {
    const root = fileURLToPath(new URL('../../src/', import.meta.url));
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) {
          readFileSync(p, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (/AbortSignal\.(timeout|any)\(/.test(line) && !line.trim().startsWith('*') && !line.trim().startsWith('//')) offenders.push(`${p}:${i + 1}`);
            });
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
