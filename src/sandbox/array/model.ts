import type { ArrayFilesystem, ArraySnapshotRecord, ArrayState } from '../state.js';
import { stableUuid } from '../ids.js';

/** A filesystem made by cloneDatasetSnapshot remembers its origin snapshot (extra JSON field). */
export type SandboxFilesystem = ArrayFilesystem & { origin?: { snapshotId: string } };

export function tsmOf(state: ArrayState, fs: ArrayFilesystem) {
  return state.tsms.find((t) => t.id === fs.tsmId);
}

export function accountName(state: ArrayState, accountId: string): string {
  return state.accounts.find((a) => a.id === accountId)?.name ?? '';
}

/** `<pool>/<accountName><tsmName>` (no separator between account and TSM, as the array does). */
export function datasetPrefix(state: ArrayState, fs: ArrayFilesystem): string {
  return `${fs.pool}/${accountName(state, fs.accountId)}${tsmOf(state, fs)?.name ?? ''}`;
}

export function filesystemPath(state: ArrayState, fs: ArrayFilesystem): string {
  return `${datasetPrefix(state, fs)}/${fs.name}`;
}

export function snapshotPath(state: ArrayState, fs: ArrayFilesystem, snapName: string): string {
  return `${filesystemPath(state, fs)}@${snapName}`;
}

/**
 * The filesystem with this id. Through an id → position index cached per array identity: a hit is checked
 * against the array itself (so a filesystem removed or replaced since is never returned), a miss falls back
 * to a scan and re-indexes. Without it every array request scanned all filesystems (20 000 at 10 000 instances).
 */
export function findFilesystem(state: ArrayState, id: string): SandboxFilesystem | undefined {
  const all = state.filesystems;
  const at = FS_INDEX.get(all)?.get(id);
  if (at !== undefined && all[at]?.id === id) return all[at];
  const found = all.findIndex((f) => f.id === id);
  if (found < 0) return undefined;
  FS_INDEX.set(all, new Map(all.map((f, i) => [f.id, i])));
  return all[found];
}

const FS_INDEX = new WeakMap<ArrayFilesystem[], Map<string, number>>();

/** Snapshots of one filesystem, oldest first (insertion order breaks ties). */
export function snapshotsOf(state: ArrayState, fsId: string): ArraySnapshotRecord[] {
  return indexByFs(state.snapshots).get(fsId) ?? [];
}

/**
 * Snapshots grouped by filesystem, oldest first, cached per array identity and length: the emulator
 * appends with push and removes by replacing the array, so either change makes a new index. Without
 * it, every listStorageSnapshots scanned all snapshots (quadratic for a big sandbox).
 */
const INDEX = new WeakMap<ArraySnapshotRecord[], { length: number; byFs: Map<string, ArraySnapshotRecord[]> }>();

function indexByFs(all: ArraySnapshotRecord[]): Map<string, ArraySnapshotRecord[]> {
  const cached = INDEX.get(all);
  if (cached && cached.length === all.length) return cached.byFs;
  const byFs = new Map<string, Array<{ s: ArraySnapshotRecord; i: number }>>();
  all.forEach((s, i) => {
    const list = byFs.get(s.fsId);
    if (list) list.push({ s, i });
    else byFs.set(s.fsId, [{ s, i }]);
  });
  const sorted = new Map<string, ArraySnapshotRecord[]>();
  for (const [fsId, list] of byFs)
    sorted.set(
      fsId,
      list.sort((a, b) => a.s.createdAt - b.s.createdAt || a.i - b.i).map(({ s }) => s),
    );
  INDEX.set(all, { length: all.length, byFs: sorted });
  return sorted;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Thu Aug 25 2016 10:55", the array's preformatted timestamp (UTC here). */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ${d.getUTCFullYear()} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function iqnOf(state: ArrayState, fs: ArrayFilesystem): string {
  const tsm = tsmOf(state, fs);
  return `iqn.2014.cloudbyte.com:${accountName(state, fs.accountId)}${tsm?.name ?? ''}${fs.name}`.toLowerCase();
}

/** A `listFileSystem` item with the keys the reference shows (`Tsmid` with a capital T). */
export function filesystemItem(state: ArrayState, fs: ArrayFilesystem): Record<string, unknown> {
  const tsm = tsmOf(state, fs);
  const iqn = iqnOf(state, fs);
  return {
    id: fs.id,
    name: fs.name,
    simpleid: fs.simpleid,
    type: 'volume',
    path: iqn,
    Tsmid: fs.tsmId,
    accountid: fs.accountId,
    groupid: stableUuid(`qosgroup:${fs.id}`),
    quota: fs.quota,
    iqnname: iqn,
    ipaddress: tsm?.ipaddress ?? '',
    tsmName: tsm?.name ?? '',
    accountname: accountName(state, fs.accountId),
    mountpoint: fs.name,
    status: 'Online',
    managedstate: 'Available',
  };
}

/**
 * A `listStorageSnapshots` item. `fsPath`: the filesystem's path (`filesystemPath`), when the caller lists
 * many of its snapshots and worked it out once.
 */
export function snapshotItem(state: ArrayState, fs: ArrayFilesystem, snap: ArraySnapshotRecord, fsPath = filesystemPath(state, fs)): Record<string, unknown> {
  return {
    name: snap.name,
    path: `${fsPath}@${snap.name}`,
    availMem: '-',
    usedMem: '0',
    refer: fs.quota,
    mountpoint: '-',
    timestamp: formatTimestamp(snap.createdAt),
    clones: snap.clones,
    poolTakeOver: 'noTakeOver',
    managedstate: 'Available',
    type: 'instant',
  };
}
