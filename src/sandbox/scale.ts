import { addServer, seedDemoState } from './seed.js';
import { emptyState, type ArrayFilesystem, type ArraySnapshotRecord, type SandboxServer, type SandboxState } from './state.js';

/**
 * Big sandbox states for benchmarks: N instances x V array volumes x S snapshots per volume, spread
 * over H compute hosts. Deterministic (same spec, same JSON) and linear in the size of the result.
 */
export interface ScaleSpec {
  instances: number;
  /** Array volumes per instance (the first is the boot volume). */
  volumesPerInstance: number;
  /** Snapshots per volume: S ccsnap-style sets per instance, each with one member per volume. */
  snapshotsPerVolume: number;
  /** Compute hosts `compute-1` .. `compute-H` (default 10). */
  hosts?: number;
  /** 'round-robin' (default): instance i on host i mod H; 'blocked': consecutive runs of instances per host. */
  hostLayout?: 'round-robin' | 'blocked';
  /** Instance names are `<prefix>-<00001>`; use distinct prefixes to add several groups (default 'vm'). */
  namePrefix?: string;
  /** Volume type of every volume (default 'cb-ssd', which the sandbox puts on the array). */
  volumeType?: string;
  /** 'ccsnap' (default): names ccsnap makes (`ccs_<set>_<time>_<k>of<n>`); 'foreign': `snap-<n>`. */
  snapshotNames?: 'ccsnap' | 'foreign';
  /** Epoch ms of the oldest set (default 2026-10-01T00:00:00Z); each later set is one hour newer. */
  baseTime?: number;
}

const DEFAULT_BASE_TIME = Date.UTC(2026, 9, 1);
const HOUR_MS = 3_600_000;

/** A new state with the sandbox identity, flavors, types and array, and the scaled inventory (nothing else). */
export function buildScaledState(spec: ScaleSpec): SandboxState {
  const state = seedDemoState(emptyState(), []);
  state.cinder.volumes = [];
  state.array.filesystems = [];
  addScaledServers(state, spec);
  return state;
}

/** Adds the scaled inventory to an existing seeded state; returns the servers it added. */
export function addScaledServers(state: SandboxState, spec: ScaleSpec): SandboxServer[] {
  checkSpec(spec);
  const hosts = spec.hosts ?? 10;
  const prefix = spec.namePrefix ?? 'vm';
  const width = Math.max(5, String(spec.instances).length);
  const volumes = Array.from({ length: spec.volumesPerInstance }, () => spec.volumeType ?? 'cb-ssd');
  const nameOf = (i: number): string => `${prefix}-${String(i + 1).padStart(width, '0')}`;
  if (spec.instances > 0 && state.nova.servers.some((s) => s.name === nameOf(0))) {
    throw new RangeError(`scale: instances named ${prefix}-* exist already; use another namePrefix`);
  }
  const all = state.array.filesystems;
  let top = highestSimpleId(all);
  const servers: SandboxServer[] = [];
  try {
    for (let i = 0; i < spec.instances; i++) {
      const host = `compute-${hostIndex(i, spec.instances, hosts, spec.hostLayout ?? 'round-robin') + 1}`;
      // The seed provisions through provisionArrayFilesystem, which scans every filesystem (duplicate name,
      // next simpleid): quadratic in bulk. It gets a view holding only the filesystem with the highest
      // simpleid (same next simpleid; the names are new, the prefix check above rules out duplicates).
      state.array.filesystems = top ? [top] : [];
      servers.push(addServer(state, { name: nameOf(i), host, volumes }));
      const added = state.array.filesystems.slice(top ? 1 : 0);
      all.push(...added);
      top = added.at(-1) ?? top;
      addSnapshots(
        state,
        added.map((f) => f.id),
        spec,
        snapshotSeq(state),
      );
    }
  } finally {
    state.array.filesystems = all;
  }
  return servers;
}

function highestSimpleId(filesystems: ArrayFilesystem[]): ArrayFilesystem | undefined {
  return filesystems.reduce<ArrayFilesystem | undefined>((top, f) => (!top || f.simpleid > top.simpleid ? f : top), undefined);
}

function checkSpec(spec: ScaleSpec): void {
  const counts: Array<[string, number | undefined]> = [
    ['instances', spec.instances],
    ['volumesPerInstance', spec.volumesPerInstance],
    ['snapshotsPerVolume', spec.snapshotsPerVolume],
    ['hosts', spec.hosts ?? 1],
  ];
  for (const [what, n] of counts) {
    if (!Number.isInteger(n) || n! < 0) throw new RangeError(`scale: ${what} must be a non-negative integer, got ${String(n)}`);
  }
  if ((spec.hosts ?? 10) < 1) throw new RangeError('scale: hosts must be at least 1');
  if (spec.volumesPerInstance > 26) throw new RangeError('scale: at most 26 volumes per instance (vda..vdz)');
}

export function hostIndex(i: number, instances: number, hosts: number, layout: 'round-robin' | 'blocked'): number {
  if (layout === 'round-robin') return i % hosts;
  return Math.min(hosts - 1, Math.floor(i / Math.ceil(instances / hosts)));
}

/** The running number of generated snapshots (kept in the id), so repeated calls never reuse an id. */
function snapshotSeq(state: SandboxState): number {
  return state.array.snapshots.length;
}

function addSnapshots(state: SandboxState, fsIds: string[], spec: ScaleSpec, firstSeq: number): void {
  const base = spec.baseTime ?? DEFAULT_BASE_TIME;
  let seq = firstSeq;
  for (let s = 0; s < spec.snapshotsPerVolume; s++) {
    const createdAt = base + s * HOUR_MS;
    const setSeq = seq;
    fsIds.forEach((fsId, k) => {
      const name = spec.snapshotNames === 'foreign' ? `snap-${seq}` : ccsnapStyleName(setSeq.toString(16).padStart(12, '0'), createdAt, k + 1, fsIds.length);
      state.array.snapshots.push(snapshotRecord(seq++, fsId, name, createdAt));
    });
  }
}

/**
 * The name ccsnap gives member k of n of a set: `ccs_<setId>_<YYYYMMDDhhmmss>_<k>of<n>` (no label). Written
 * here, not imported from ccsnap: the emulator is an independent oracle, and test/unit/scale.test.ts checks
 * that ccsnap's parser reads these names.
 */
function ccsnapStyleName(setId: string, createdAtMs: number, k: number, n: number): string {
  const stamp = new Date(createdAtMs).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `ccs_${setId}_${stamp}_${k}of${n}`;
}

function snapshotRecord(seq: number, fsId: string, name: string, createdAt: number): ArraySnapshotRecord {
  return { id: `5ca1ab1e-0000-5000-8000-${seq.toString(16).padStart(12, '0')}`, fsId, name, createdAt, clones: 0 };
}
