import { describe, expect, it } from 'vitest';
import { mapOrdered } from '../../src/util/ordered.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending microtask and the next macrotask run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Items whose tasks finish when the test says so; records which started and which saw their signal abort. */
function controlled(n: number) {
  const gates = Array.from({ length: n }, () => deferred<string>());
  const settled = new Set<number>();
  for (const [i, g] of gates.entries()) {
    const done = (): void => void settled.add(i);
    void g.promise.then(done, done);
  }
  const started: number[] = [];
  /** Items still running when their signal aborted. */
  const aborted: number[] = [];
  const fn = (_item: number, i: number, signal: AbortSignal): Promise<string> => {
    started.push(i);
    signal.addEventListener('abort', () => {
      if (settled.has(i)) return;
      aborted.push(i);
      gates[i]!.reject(new Error(`aborted ${i}`));
    });
    return gates[i]!.promise;
  };
  return { items: Array.from({ length: n }, (_, i) => i), gates, started, aborted, fn };
}

describe('mapOrdered', () => {
  it('yields in the items order whatever order the tasks finish in', async () => {
    const c = controlled(4);
    const out: string[] = [];
    const run = (async () => {
      for await (const r of mapOrdered(c.items, 4, c.fn)) out.push(r);
    })();
    await settle();
    c.gates[3]!.resolve('d');
    c.gates[1]!.resolve('b');
    await settle();
    expect(out).toEqual([]);
    c.gates[0]!.resolve('a');
    await settle();
    expect(out).toEqual(['a', 'b']);
    c.gates[2]!.resolve('c');
    await run;
    expect(out).toEqual(['a', 'b', 'c', 'd']);
  });

  it('starts at most `ahead` items beyond the one the consumer waits for', async () => {
    const c = controlled(6);
    const it = mapOrdered(c.items, 2, c.fn);
    const first = it.next();
    await settle();
    expect(c.started).toEqual([0, 1]);
    c.gates[1]!.resolve('b');
    await settle();
    // Item 1 is done but item 0 is not: still two in hand.
    expect(c.started).toEqual([0, 1]);
    c.gates[0]!.resolve('a');
    expect((await first).value).toBe('a');
    await settle();
    expect(c.started).toEqual([0, 1, 2]);
    // The consumer does not pull: nothing more starts.
    c.gates[2]!.resolve('c');
    await settle();
    expect(c.started).toEqual([0, 1, 2]);
    expect((await it.next()).value).toBe('b');
    await settle();
    expect(c.started).toEqual([0, 1, 2, 3]);
    await it.return();
  });

  it('a consumer that leaves early aborts the items in hand and waits for them', async () => {
    const c = controlled(5);
    const it = mapOrdered(c.items, 3, c.fn);
    c.gates[0]!.resolve('a');
    expect((await it.next()).value).toBe('a');
    await settle();
    expect(c.started).toEqual([0, 1, 2, 3]);
    await it.return();
    expect(c.aborted.sort()).toEqual([1, 2, 3]);
    expect(c.started).toEqual([0, 1, 2, 3]);
  });

  it('throws the first failure, after aborting and settling the others', async () => {
    const c = controlled(4);
    const out: string[] = [];
    const run = (async () => {
      for await (const r of mapOrdered(c.items, 4, c.fn)) out.push(r);
    })();
    await settle();
    c.gates[0]!.resolve('a');
    c.gates[2]!.reject(new Error('array down'));
    await expect(run).rejects.toThrow('array down');
    expect(out).toEqual(['a']);
    expect(c.aborted.sort()).toEqual([1, 3]);
  });

  it('stops when the outer signal aborts', async () => {
    const c = controlled(3);
    const outer = new AbortController();
    const run = (async () => {
      for await (const r of mapOrdered(c.items, 1, c.fn, outer.signal)) void r;
    })();
    await settle();
    outer.abort(new Error('interrupted'));
    await expect(run).rejects.toThrow('aborted 0');
    expect(c.started).toEqual([0]);
  });

  it('maps nothing for no items, and refuses a bad `ahead`', async () => {
    const none: string[] = [];
    for await (const r of mapOrdered([], 2, async () => 'x')) none.push(r);
    expect(none).toEqual([]);
    await expect(mapOrdered([1], 0, async () => 'x').next()).rejects.toThrow(RangeError);
  });
});
