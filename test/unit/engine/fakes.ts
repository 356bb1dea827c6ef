import { openJournal } from '../../../src/journal/index.js';
import type { ArrayPort, ArraySnapshotInfo, HypervisorPort } from '../../../src/engine/ports.js';
import type { CreateDeps } from '../../../src/engine/apply-create.js';
import { CcsnapError } from '../../../src/errors.js';

/** In-memory array and hypervisor that write one shared event log, for order assertions. */
export function fakeWorld() {
  const events: string[] = [];
  const snaps = new Map<string, ArraySnapshotInfo[]>();
  const hv = { frozen: false, failThaw: 0, failFreeze: undefined as CcsnapError | undefined };
  const arrayFaults: { createFails?: (fsId: string) => Error | undefined; createDelayMs?: number; onCreate?: (fsId: string) => void } = {};

  const array: ArrayPort = {
    name: 'ec1',
    async listFileSystems() { return []; },
    async createStorageSnapshot({ fsId, name, signal }) {
      events.push(`create:${fsId}:${hv.frozen ? 'frozen' : 'thawed'}`);
      arrayFaults.onCreate?.(fsId);
      if (arrayFaults.createDelayMs) {
        await new Promise<void>((resolve, reject) => {
          if (signal?.aborted) return reject(new CcsnapError('CCSNAP_ABORTED', 'aborted'));
          const t = setTimeout(resolve, arrayFaults.createDelayMs);
          signal?.addEventListener('abort', () => { clearTimeout(t); reject(new CcsnapError('CCSNAP_ABORTED', 'aborted')); }, { once: true });
        });
      }
      const err = arrayFaults.createFails?.(fsId);
      if (err) throw err;
      const list = snaps.get(fsId) ?? [];
      list.push({ name, path: `POOL1/ACC/${fsId}@${name}`, clones: 0, timestamp: 'now' });
      snaps.set(fsId, list);
      return { name };
    },
    async listStorageSnapshots({ fsId }) { events.push(`list:${fsId}`); return [...(snaps.get(fsId) ?? [])]; },
    async deleteSnapshot({ fsId, path }) {
      events.push(`delete:${fsId}`);
      const list = snaps.get(fsId) ?? [];
      const i = list.findIndex((s) => s.path === path);
      if (i < 0) return { outcome: 'already-absent' };
      list.splice(i, 1);
      return { outcome: 'deleted' };
    },
    async rollbackToSnapshot() { return {}; },
  };

  const hypervisor: HypervisorPort = {
    async freeze(domain) {
      events.push(`freeze:${domain}`);
      if (hv.failFreeze) throw hv.failFreeze;
      hv.frozen = true;
      return { filesystems: 1 };
    },
    async thaw(domain, opts) {
      events.push(`thaw:${domain}${opts?.signal?.aborted ? ':aborted-signal' : ''}`);
      if (hv.failThaw > 0) { hv.failThaw--; throw new CcsnapError('CCSNAP_HV_COMMAND', 'thaw failed'); }
      hv.frozen = false;
      return { filesystems: 1 };
    },
    async freezeStatus() { events.push('status'); return hv.frozen ? 'frozen' : 'thawed'; },
    async ping() {},
    async domainState() { return 'running'; },
  };

  const watchdog = {
    armed: new Set<string>(),
    async arm(m: { id: string }) { events.push('arm'); this.armed.add(m.id); },
    async disarm(id: string) { events.push('disarm'); this.armed.delete(id); },
  };

  // In memory: nothing to remove afterwards (the engine needs a journal, not a file).
  const db = openJournal(':memory:');
  const deps: CreateDeps = {
    db,
    array: () => array,
    hypervisor,
    hypervisorConfig: {},
    watchdog,
    timeouts: { freezeMs: 1000, thawMs: 1000, arrayMs: 1000, cleanupMs: 1000 },
  };
  return { events, snaps, hv, arrayFaults, deps, watchdog, db };
}
