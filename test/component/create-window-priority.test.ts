import { afterEach, describe, expect, it } from 'vitest';
import { createSnapshots } from '../../src/ops/create.js';
import { Runtime } from '../../src/runtime.js';
import { frozenWindows, type TranscriptEntry } from '../../src/sandbox-entry.js';
import { addScaledServers } from '../../src/sandbox/scale.js';
import { createWindowGate } from '../../src/util/window-gate.js';
import { startSandboxRuntime, type SandboxRuntime } from '../helpers/sandbox-runtime.js';

/**
 * Window priority on the sandbox: a fleet create at concurrency 4 (per host 2), each array snapshot taking 50 ms so
 * that windows overlap. While any guest is frozen, ccsnap sends none of its other work to the array (the
 * pre-checks' and the path lookups' listStorageSnapshots), and none is still running when a freeze arrives.
 */
describe('fleet create with window priority', () => {
  let sb: SandboxRuntime | undefined;
  let rt: Runtime | undefined;
  afterEach(async () => {
    await rt?.close();
    await sb?.close();
  });

  it('keeps the pre-checks and the path lookups out of every open window', async () => {
    const fleet: string[] = [];
    sb = await startSandboxRuntime({
      prepare: (s) =>
        void fleet.push(...addScaledServers(s, { instances: 8, volumesPerInstance: 2, snapshotsPerVolume: 0, hosts: 4, namePrefix: 'prio' }).map((v) => v.id)),
      faults: [{ service: 'array', key: 'createStorageSnapshot', latencyMs: 50 }],
    });
    // A window never stops deferring to the work before it here: what is asserted is the gate's order, not its bound.
    rt = new Runtime({ ...sb.rt.options, windowGate: createWindowGate({ maxDeferMs: 600_000 }) });
    const seq = sb.sandbox.ctx.transcript.lastSeq();
    const outcomes = await createSnapshots(rt, { instances: fleet, concurrency: 4, perHost: 2, maxFreezeMs: 10_000 });
    expect(outcomes.map((o) => (o.kind === 'result' ? o.result.state : o.kind))).toEqual(Array(8).fill('complete'));

    const domains = new Set(sb.sandbox.ctx.state.nova.servers.filter((v) => fleet.includes(v.id)).map((v) => v.instanceName));
    const windows = sb.sandbox.ctx.state.hypervisor.domains.filter((d) => domains.has(d.name)).map((d) => ({ host: d.host, list: frozenWindows(d.events) }));
    expect(windows.flatMap((w) => w.list)).toHaveLength(8);
    // Windows did overlap (or nothing here would be tested), never more than 2 on a host.
    expect(maxOverlap(windows.flatMap((w) => w.list))).toBeGreaterThanOrEqual(2);
    for (const host of new Set(windows.map((w) => w.host))) {
      expect(maxOverlap(windows.filter((w) => w.host === host).flatMap((w) => w.list))).toBeLessThanOrEqual(2);
    }

    const entries = sb.sandbox.ctx.transcript.list(seq);
    const lookups = entries.filter((e) => e.command === 'listStorageSnapshots');
    expect(lookups).toHaveLength(8 * 2 * 2); // pre-check and path lookup, per volume
    expect(lookupsWhileFrozen(entries)).toEqual([]);
    for (const freeze of entries.filter((e) => e.command === 'domfsfreeze')) {
      expect(lookups.filter((l) => l.seq < freeze.seq && l.doneAt! > freeze.at)).toEqual([]);
    }
  });
});

/** The lookups that reached the array while some guest was frozen (freezes and thaws counted in arrival order). */
function lookupsWhileFrozen(entries: TranscriptEntry[]): TranscriptEntry[] {
  let frozen = 0;
  const found: TranscriptEntry[] = [];
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (e.command === 'domfsfreeze') frozen++;
    else if (e.command === 'domfsthaw') frozen--;
    else if (e.command === 'listStorageSnapshots' && frozen > 0) found.push(e);
  }
  return found;
}

/** Largest number of [from, to) intervals open at once. */
function maxOverlap(intervals: Array<{ from: number; to?: number }>): number {
  const points = intervals.flatMap(({ from, to }) => [
    [from, 1],
    [to ?? Number.POSITIVE_INFINITY, -1],
  ]);
  points.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let open = 0;
  let max = 0;
  for (const [, d] of points) {
    open += d!;
    max = Math.max(max, open);
  }
  return max;
}
