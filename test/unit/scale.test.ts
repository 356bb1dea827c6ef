import { describe, expect, it } from 'vitest';
import { parseSnapshotName } from '../../src/engine/names.js';
import { addScaledServers, buildScaledState, hostIndex } from '../../src/sandbox/scale.js';
import { addServer, seedDemoState } from '../../src/sandbox/seed.js';
import { emptyState } from '../../src/sandbox/state.js';

describe('scaled sandbox states', () => {
  it('makes N instances x V volumes x S snapshots, all linked', () => {
    const state = buildScaledState({ instances: 12, volumesPerInstance: 3, snapshotsPerVolume: 4, hosts: 5 });
    expect(state.nova.servers).toHaveLength(12);
    expect(state.cinder.volumes).toHaveLength(36);
    expect(state.array.filesystems).toHaveLength(36);
    expect(state.array.snapshots).toHaveLength(144);
    expect(state.hypervisor.domains).toHaveLength(12);

    const fsByName = new Map(state.array.filesystems.map((f) => [f.name, f]));
    for (const server of state.nova.servers) {
      const attached = state.cinder.volumes.filter((v) => v.attachments.some((a) => a.serverId === server.id));
      expect(attached).toHaveLength(3);
      expect(attached.every((v) => v.status === 'in-use' && v.volumeType === 'cb-ssd')).toBe(true);
      for (const v of attached) {
        const fs = fsByName.get(v.id.replace(/-/g, ''));
        expect(fs).toBeDefined();
        expect(state.array.snapshots.filter((s) => s.fsId === fs!.id)).toHaveLength(4);
      }
      const domain = state.hypervisor.domains.find((d) => d.name === server.instanceName)!;
      expect(domain).toMatchObject({ host: server.host, state: 'running', agent: 'ok', frozen: false });
      expect(domain.mountpoints).toHaveLength(3);
    }
  });

  it('names snapshots as ccsnap sets: one set per instance and hour, k of V members', () => {
    const state = buildScaledState({ instances: 3, volumesPerInstance: 2, snapshotsPerVolume: 5 });
    const parsed = state.array.snapshots.map((s) => ({ s, p: parseSnapshotName(s.name) }));
    expect(parsed.every(({ p }) => p !== undefined)).toBe(true);
    const sets = new Map<string, number[]>();
    for (const { s, p } of parsed) {
      expect(p!.total).toBe(2);
      expect(p!.createdAt.getTime()).toBe(s.createdAt);
      sets.set(p!.setId, [...(sets.get(p!.setId) ?? []), p!.index]);
    }
    expect(sets.size).toBe(15);
    for (const members of sets.values()) expect(members.sort()).toEqual([1, 2]);
    const foreign = buildScaledState({ instances: 1, volumesPerInstance: 1, snapshotsPerVolume: 2, snapshotNames: 'foreign' });
    expect(foreign.array.snapshots.map((s) => s.name)).toEqual(['snap-0', 'snap-1']);
  });

  it('is deterministic and has unique ids', () => {
    const spec = { instances: 50, volumesPerInstance: 2, snapshotsPerVolume: 3, hosts: 7 };
    const a = buildScaledState(spec);
    expect(JSON.stringify(buildScaledState(spec))).toBe(JSON.stringify(a));
    const unique = (ids: string[]): number => new Set(ids).size;
    expect(unique(a.nova.servers.map((s) => s.id))).toBe(50);
    expect(unique(a.nova.servers.map((s) => s.instanceName))).toBe(50);
    expect(unique(a.cinder.volumes.map((v) => v.id))).toBe(100);
    expect(unique(a.array.snapshots.map((s) => s.id))).toBe(300);
  });

  it('spreads instances over hosts round-robin or in blocks', () => {
    const rr = buildScaledState({ instances: 20, volumesPerInstance: 1, snapshotsPerVolume: 0, hosts: 4 });
    expect(rr.nova.servers.slice(0, 5).map((s) => s.host)).toEqual(['compute-1', 'compute-2', 'compute-3', 'compute-4', 'compute-1']);
    const blocked = buildScaledState({ instances: 20, volumesPerInstance: 1, snapshotsPerVolume: 0, hosts: 4, hostLayout: 'blocked' });
    const perHost = new Map<string, number>();
    for (const s of blocked.nova.servers) perHost.set(s.host, (perHost.get(s.host) ?? 0) + 1);
    expect([...perHost.values()]).toEqual([5, 5, 5, 5]);
    expect(blocked.nova.servers[4]!.host).toBe('compute-1');
    expect(hostIndex(9, 10, 3, 'blocked')).toBe(2);
  });

  it('adds groups to an existing state without clashing, and handles zero instances', () => {
    const state = seedDemoState(emptyState());
    const before = state.nova.servers.length;
    addScaledServers(state, { instances: 2, volumesPerInstance: 4, snapshotsPerVolume: 1, namePrefix: 'quad' });
    addScaledServers(state, { instances: 2, volumesPerInstance: 1, snapshotsPerVolume: 1, namePrefix: 'single' });
    expect(state.nova.servers.map((s) => s.name).slice(before)).toEqual(['quad-00001', 'quad-00002', 'single-00001', 'single-00002']);
    expect(new Set(state.array.snapshots.map((s) => s.id)).size).toBe(state.array.snapshots.length);

    const empty = buildScaledState({ instances: 0, volumesPerInstance: 2, snapshotsPerVolume: 10 });
    expect(empty.nova.servers).toEqual([]);
    expect(empty.cinder.volumes).toEqual([]);
    expect(empty.array.filesystems).toEqual([]);
    expect(empty.keystone.users).toHaveLength(1);
    expect(empty.array.apiKey).not.toBe('');
  });

  it('provisions the same filesystems as adding the servers one by one through the seed', () => {
    const bulk = seedDemoState(emptyState());
    addScaledServers(bulk, { instances: 4, volumesPerInstance: 2, snapshotsPerVolume: 0, hosts: 2, namePrefix: 'big' });
    const plain = seedDemoState(emptyState());
    for (let i = 0; i < 4; i++)
      addServer(plain, { name: `big-${String(i + 1).padStart(5, '0')}`, host: `compute-${(i % 2) + 1}`, volumes: ['cb-ssd', 'cb-ssd'] });
    expect(bulk.array.filesystems).toEqual(plain.array.filesystems);
    expect(bulk.cinder.volumes).toEqual(plain.cinder.volumes);
    expect(bulk.nova.servers).toEqual(plain.nova.servers);
    const ids = bulk.array.filesystems.map((f) => f.simpleid);
    expect(new Set(ids).size).toBe(ids.length);
    expect(() => addScaledServers(bulk, { instances: 1, volumesPerInstance: 1, snapshotsPerVolume: 0, namePrefix: 'big' })).toThrow(/namePrefix/);
  });

  it('rejects impossible specs', () => {
    expect(() => buildScaledState({ instances: -1, volumesPerInstance: 1, snapshotsPerVolume: 0 })).toThrow(RangeError);
    expect(() => buildScaledState({ instances: 1, volumesPerInstance: 27, snapshotsPerVolume: 0 })).toThrow(/26 volumes/);
    expect(() => buildScaledState({ instances: 1, volumesPerInstance: 1, snapshotsPerVolume: 0, hosts: 0 })).toThrow(/hosts/);
  });
});
