import { describe, expect, it } from 'vitest';
import { createWindowGate, openGate, type GatePass, type WindowGate } from '../../src/util/window-gate.js';

/** A gate whose windows never stop deferring on their own: the test ends the deferral with expire(). */
function gateWithManualDefer(): { gate: WindowGate; expire: () => void } {
  const pending: Array<() => void> = [];
  const gate = createWindowGate({
    deferLimit: (signal) =>
      new Promise<void>((resolve, reject) => {
        pending.push(resolve);
        signal.addEventListener('abort', () => reject(new Error('no longer waiting')), { once: true });
      }),
  });
  return { gate, expire: () => pending.splice(0).forEach((r) => r()) };
}

/** Whether a promise has settled once the event loop has turned (the gate lets the next window in on the next turn). */
function track(p: Promise<void>): { settled: () => Promise<boolean>; error: () => unknown } {
  let settled = false;
  let error: unknown;
  p.then(
    () => (settled = true),
    (e: unknown) => {
      settled = true;
      error = e;
    },
  );
  return {
    settled: async () => {
      await new Promise((r) => setImmediate(r));
      return settled;
    },
    error: () => error,
  };
}

async function inBulk(gate: WindowGate, n: number): Promise<GatePass[]> {
  const passes = Array.from({ length: n }, () => gate.join());
  await Promise.all(passes.map((p) => p.bulk()));
  return passes;
}

const idle = { bulk: 0, windows: 0, opening: 0, waitingBulk: 0, waitingWindows: 0 };

describe('window gate', () => {
  it('runs bulk work side by side while no window is open', async () => {
    const { gate } = gateWithManualDefer();
    await inBulk(gate, 3);
    expect(gate.snapshot()).toEqual({ ...idle, bulk: 3 });
  });

  it('opens a window once the running bulk work has ended, then the next once the first has opened', async () => {
    const { gate } = gateWithManualDefer();
    const [a, b, c] = await inBulk(gate, 3);
    const aWindow = track(a!.window());
    const bWindow = track(b!.window());
    expect(await aWindow.settled()).toBe(false);
    expect(gate.snapshot()).toEqual({ ...idle, bulk: 1, waitingWindows: 2 });
    c!.leave();
    expect(await aWindow.settled()).toBe(true);
    // a has not sent its array calls yet: b's freeze waits.
    expect(await bWindow.settled()).toBe(false);
    expect(gate.snapshot()).toEqual({ ...idle, windows: 1, opening: 1, waitingWindows: 1 });
    a!.opened();
    expect(await bWindow.settled()).toBe(true);
    expect(gate.snapshot()).toEqual({ ...idle, windows: 2, opening: 1 });
    b!.opened();
    expect(gate.snapshot()).toEqual({ ...idle, windows: 2 });
  });

  it('holds new bulk work while a window waits or is open, and lets it run when the last window closes', async () => {
    const { gate } = gateWithManualDefer();
    const [a, b] = await inBulk(gate, 2);
    const aWindow = track(a!.window());
    // A window waits for b: new bulk work must not start meanwhile, or the window could wait forever.
    const late = track(gate.join().bulk());
    expect(await late.settled()).toBe(false);
    b!.leave();
    expect(await aWindow.settled()).toBe(true);
    a!.opened();
    expect(await late.settled()).toBe(false);
    // a's window ends: its own work after the thaw and the held bulk work run together.
    const aAfter = track(a!.bulk());
    expect(await aAfter.settled()).toBe(true);
    expect(await late.settled()).toBe(true);
    expect(gate.snapshot()).toEqual({ ...idle, bulk: 2 });
  });

  it('keeps work after a thaw waiting while another window of the wave is still open', async () => {
    const { gate } = gateWithManualDefer();
    const [a, b] = await inBulk(gate, 2);
    const aWindow = track(a!.window());
    const bWindow = track(b!.window());
    expect(await aWindow.settled()).toBe(true);
    a!.opened();
    expect(await bWindow.settled()).toBe(true);
    const aAfter = track(a!.bulk());
    expect(await aAfter.settled()).toBe(false);
    expect(gate.snapshot()).toEqual({ ...idle, windows: 1, opening: 1, waitingBulk: 1 });
    b!.leave();
    expect(await aAfter.settled()).toBe(true);
  });

  it('lets the next window in when one gives up before it opened (a failed freeze)', async () => {
    const { gate } = gateWithManualDefer();
    const [a, b] = await inBulk(gate, 2);
    const aWindow = track(a!.window());
    const bWindow = track(b!.window());
    expect(await aWindow.settled()).toBe(true);
    expect(await bWindow.settled()).toBe(false);
    // a's freeze failed: it goes on to its bulk work without calling opened().
    const aAfter = track(a!.bulk());
    expect(await bWindow.settled()).toBe(true);
    expect(await aAfter.settled()).toBe(false);
    expect(gate.snapshot()).toEqual({ ...idle, windows: 1, opening: 1, waitingBulk: 1 });
  });

  it('lets windows open beside bulk work or an opening that has held them back for max-defer (a hung pre-check, a hung freeze)', async () => {
    const { gate, expire } = gateWithManualDefer();
    const [a, b] = await inBulk(gate, 3);
    const aWindow = track(a!.window());
    expect(await aWindow.settled()).toBe(false);
    // The two passes still in bulk have lasted max-defer: a opens beside them.
    expire();
    expect(await aWindow.settled()).toBe(true);
    expect(gate.snapshot()).toEqual({ ...idle, windows: 1, opening: 1 });
    const bWindow = track(b!.window());
    expect(await bWindow.settled()).toBe(false);
    // a's freeze has not answered within max-defer: b does not wait for it any longer.
    expire();
    expect(await bWindow.settled()).toBe(true);
    expect(gate.snapshot()).toEqual({ ...idle, windows: 2, opening: 1 });
    // New bulk work still waits for the open windows.
    const late = track(gate.join().bulk());
    expect(await late.settled()).toBe(false);
    a!.leave();
    b!.leave();
    expect(await late.settled()).toBe(true);
  });

  it('does not hold later windows back for bulk work that has outlasted max-defer', async () => {
    const { gate, expire } = gateWithManualDefer();
    const [hung] = await inBulk(gate, 1);
    expire();
    const [a] = await inBulk(gate, 1);
    const aWindow = track(a!.window());
    expect(await aWindow.settled()).toBe(true);
    expect(gate.snapshot()).toEqual({ ...idle, windows: 1, opening: 1 });
    // The hung pass ends at last: its leaving releases nothing twice.
    hung!.leave();
    expect(gate.snapshot()).toEqual({ ...idle, windows: 1, opening: 1 });
  });

  it('gives up waiting when the signal aborts, without taking a phase or holding the others back', async () => {
    const { gate } = gateWithManualDefer();
    const [a, b] = await inBulk(gate, 2);
    const stop = new AbortController();
    const aWindow = track(a!.window(stop.signal));
    const late = track(gate.join().bulk());
    expect(await late.settled()).toBe(false);
    stop.abort();
    expect(await aWindow.settled()).toBe(true);
    expect(aWindow.error()).toMatchObject({ code: 'CCSNAP_ABORTED' });
    // No window waits any more: the held bulk work runs beside b.
    expect(await late.settled()).toBe(true);
    expect(gate.snapshot()).toEqual({ ...idle, bulk: 2 });
    // a let go of its bulk phase when it asked for the window: leaving releases nothing more.
    a!.leave();
    b!.leave();
    expect(gate.snapshot()).toEqual({ ...idle, bulk: 1 });
  });

  it('rejects at once with an aborted signal', async () => {
    const { gate } = gateWithManualDefer();
    await expect(gate.join().bulk(AbortSignal.abort())).rejects.toMatchObject({ code: 'CCSNAP_ABORTED' });
    expect(gate.snapshot()).toEqual(idle);
  });

  it('releases the phase held on leave, once', async () => {
    const { gate } = gateWithManualDefer();
    const [a] = await inBulk(gate, 1);
    await a!.window();
    a!.leave();
    a!.leave();
    a!.opened();
    expect(gate.snapshot()).toEqual(idle);
    await inBulk(gate, 1);
    expect(gate.snapshot()).toEqual({ ...idle, bulk: 1 });
  });

  it('runs many creates to the end without bulk work ever starting beside an open window (randomized, seeded)', async () => {
    const { gate } = gateWithManualDefer();
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const turns = async (): Promise<void> => {
      for (let i = Math.floor(random() * 4); i >= 0; i--) await new Promise((r) => setImmediate(r));
    };
    let openWindows = 0;
    let violations = 0;
    const create = async (): Promise<void> => {
      const pass = gate.join();
      try {
        await pass.bulk();
        if (openWindows > 0) violations++;
        await turns(); // pre-checks
        await pass.window();
        openWindows++;
        await turns(); // freeze answers
        pass.opened();
        await turns(); // array calls, thaw
        openWindows--;
        await pass.bulk();
        if (openWindows > 0) violations++;
        await turns(); // journal, path lookups
      } finally {
        pass.leave();
      }
    };
    // 8 at a time, 200 in all, like the fleet bench.
    const queue = Array.from({ length: 200 }, () => create);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let next = queue.pop(); next; next = queue.pop()) await next();
      }),
    );
    expect(violations).toBe(0);
    expect(gate.snapshot()).toEqual(idle);
  });

  it('the open gate grants every phase at once', async () => {
    const pass = openGate.join();
    await pass.bulk();
    await pass.window();
    await pass.window();
    pass.opened();
    pass.leave();
    expect(openGate.snapshot()).toEqual(idle);
  });
});
