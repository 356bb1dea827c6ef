import { openJournal } from '../../../src/journal/index.js';
import type { ArrayPort, ArraySnapshotInfo, HypervisorPort } from '../../../src/engine/ports.js';
import type { CreateDeps } from '../../../src/engine/apply-create.js';
import { CcsnapError } from '../../../src/errors.js';
import { DEFAULT_HYPERVISOR_CONFIG } from '../../../src/hypervisor/config.js';
import type { WatchdogThaw } from '../../../src/engine/watchdog-protocol.js';

/** In-memory array and hypervisor that write one shared event log, for order assertions. */
export function fakeWorld() {
  const events: string[] = [];
  const snaps = new Map<string, ArraySnapshotInfo[]>();
  const hv = { frozen: false, failThaw: 0, failFreeze: undefined as CcsnapError | undefined, freezeDelayMs: 0 };
  // Like libvirt: agent calls on the domain run one at a time, and a call's effect happens even if its caller gave up.
  let agentQueue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = agentQueue.then(fn, fn);
    agentQueue = run.catch(() => undefined);
    return run;
  };
  const abortable = <T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) reject(new CcsnapError('CCSNAP_HV_TIMEOUT', 'gave up', { details: { mayBeFrozen: true } }));
      signal?.addEventListener('abort', () => reject(new CcsnapError('CCSNAP_HV_TIMEOUT', 'gave up', { details: { mayBeFrozen: true } })), { once: true });
      p.then(resolve, reject);
    });
  const arrayFaults: { createFails?: (fsId: string) => Error | undefined; createDelayMs?: number; onCreate?: (fsId: string) => void } = {};

  const array: ArrayPort = {
    name: 'ec1',
    async listFileSystems() {
      return [];
    },
    async createStorageSnapshot({ fsId, name, signal }) {
      events.push(`create:${fsId}:${hv.frozen ? 'frozen' : 'thawed'}`);
      arrayFaults.onCreate?.(fsId);
      if (arrayFaults.createDelayMs) {
        await new Promise<void>((resolve, reject) => {
          if (signal?.aborted) return reject(new CcsnapError('CCSNAP_ABORTED', 'aborted'));
          const t = setTimeout(resolve, arrayFaults.createDelayMs);
          signal?.addEventListener(
            'abort',
            () => {
              clearTimeout(t);
              reject(new CcsnapError('CCSNAP_ABORTED', 'aborted'));
            },
            { once: true },
          );
        });
      }
      const err = arrayFaults.createFails?.(fsId);
      if (err) throw err;
      const list = snaps.get(fsId) ?? [];
      list.push({ name, path: `POOL1/ACC/${fsId}@${name}`, clones: 0, timestamp: 'now' });
      snaps.set(fsId, list);
      return { name };
    },
    async listStorageSnapshots({ fsId }) {
      events.push(`list:${fsId}`);
      return [...(snaps.get(fsId) ?? [])];
    },
    async deleteSnapshot({ fsId, path }) {
      events.push(`delete:${fsId}`);
      const list = snaps.get(fsId) ?? [];
      const i = list.findIndex((s) => s.path === path);
      if (i < 0) return { outcome: 'already-absent' };
      list.splice(i, 1);
      return { outcome: 'deleted' };
    },
    async rollbackToSnapshot() {
      return {};
    },
  };

  const hypervisor: HypervisorPort = {
    async freeze(domain, opts) {
      events.push(`freeze:${domain}`);
      if (hv.failFreeze) throw hv.failFreeze;
      return abortable(
        serial(async () => {
          if (hv.freezeDelayMs) await new Promise((r) => setTimeout(r, hv.freezeDelayMs));
          hv.frozen = true;
          events.push('frozen');
          return { filesystems: 1 };
        }),
        opts?.signal,
      );
    },
    async thaw(domain, opts) {
      events.push(`thaw:${domain}${opts?.signal?.aborted ? ':aborted-signal' : ''}`);
      return abortable(
        serial(async () => {
          if (hv.failThaw > 0) {
            hv.failThaw--;
            throw new CcsnapError('CCSNAP_HV_COMMAND', 'thaw failed');
          }
          const n = hv.frozen ? 1 : 0;
          hv.frozen = false;
          return { filesystems: n };
        }),
        opts?.signal,
      );
    },
    async freezeStatus(_domain, opts) {
      events.push('status');
      return abortable(
        serial(async () => (hv.frozen ? ('frozen' as const) : ('thawed' as const))),
        opts?.signal,
      );
    },
    async ping() {},
    async domainState() {
      return 'running';
    },
  };

  const watchdog = {
    armed: new Set<string>(),
    handedOver: new Set<string>(),
    deadlines: new Map<string, number>(),
    async arm(m: { id: string }) {
      events.push('arm');
      this.armed.add(m.id);
    },
    freezing(id: string, deadline: number) {
      events.push('freezing');
      this.deadlines.set(id, deadline);
    },
    async guard(id: string) {
      events.push('hand-over');
      this.handedOver.add(id);
    },
    /** What the fake watchdog reports it did (set by a test that plays the watchdog). */
    thaw: undefined as WatchdogThaw | undefined,
    async disarm(id: string) {
      events.push('disarm');
      this.armed.delete(id);
      return this.thaw;
    },
  };

  // In memory: nothing to remove afterwards (the engine needs a journal, not a file).
  const journal = openJournal(':memory:');
  const deps: CreateDeps = {
    journal,
    array: () => array,
    hypervisor,
    hypervisorConfig: DEFAULT_HYPERVISOR_CONFIG,
    watchdog,
    timeouts: { thawMs: 1000, guardMs: 300, watchdogGuardMs: 600_000, arrayMs: 1000, cleanupMs: 1000 },
  };
  return { events, snaps, hv, arrayFaults, deps, watchdog, journal };
}
