import { newUuid } from '../ids.js';
import type { ArraySnapshotRecord } from '../state.js';
import type { SandboxContext } from '../context.js';
import { cloneImage, removeImage, snapshotImagePath } from './images.js';
import { filesystemPath, findFilesystem, snapshotItem, snapshotPath, snapshotsOf, type SandboxFilesystem } from './model.js';
import { ArrayFault, NOT_FOUND_TEXT, invalidParameter, type Params } from './protocol.js';

/** Characters ZFS accepts in a snapshot name. */
const ZFS_NAME = /^[A-Za-z0-9_.:-]+$/;

function filesystemOrFault(ctx: SandboxContext, command: string, id: string): SandboxFilesystem {
  const fs = findFilesystem(ctx.state.array, id);
  if (!fs) throw invalidParameter(command, 'id', id);
  return fs;
}

/** Filesystems addressed by `id`: one filesystem, or every filesystem of the TSM whose datasetid it is. */
function targetsOf(ctx: SandboxContext, command: string, id: string): SandboxFilesystem[] {
  const fs = findFilesystem(ctx.state.array, id);
  if (fs) return [fs];
  const tsm = ctx.state.array.tsms.find((t) => t.datasetId === id);
  if (tsm) return ctx.state.array.filesystems.filter((f) => f.tsmId === tsm.id);
  throw invalidParameter(command, 'id', id);
}

export async function createStorageSnapshot(ctx: SandboxContext, p: Params): Promise<unknown> {
  const id = p.require('createStorageSnapshot', 'id');
  const name = p.require('createStorageSnapshot', 'name');
  const array = ctx.state.array;
  const targets = targetsOf(ctx, 'createStorageSnapshot', id);
  for (const fs of targets) {
    const path = snapshotPath(array, fs, name);
    if (!ZFS_NAME.test(name)) throw new ArrayFault(431, `cannot create snapshot '${path}': invalid character in name`);
    if (array.snapshots.some((s) => s.fsId === fs.id && s.name === name)) throw new ArrayFault(431, `cannot create snapshot '${path}': dataset already exists`);
  }
  const now = Date.now();
  const records: ArraySnapshotRecord[] = targets.map((fs) => ({ id: newUuid(), fsId: fs.id, name, createdAt: now, clones: 0 }));
  array.snapshots.push(...records);
  await Promise.all(records.map((rec, i) => copyIntoSnapshot(ctx, targets[i]!, rec)));
  ctx.save();
  const first = records[0];
  const snapId = first?.id ?? newUuid();
  const lunid = targets.length === 1 ? targets[0]!.id : id;
  return { StorageSnapshot: { id: snapId, name, usn: snapId.replace(/-/g, ''), lunusn: lunid.replace(/-/g, ''), lunid, scsiEnabled: false } };
}

async function copyIntoSnapshot(ctx: SandboxContext, fs: SandboxFilesystem, rec: ArraySnapshotRecord): Promise<void> {
  if (!ctx.dataDir || !fs.imagePath) return;
  const target = await snapshotImagePath(ctx.dataDir, rec.id);
  await cloneImage(fs.imagePath, target);
  rec.imagePath = target;
}

export function listStorageSnapshots(ctx: SandboxContext, p: Params): unknown {
  const fs = filesystemOrFault(ctx, 'listStorageSnapshots', p.require('listStorageSnapshots', 'id'));
  const name = p.get('name');
  const snaps = snapshotsOf(ctx.state.array, fs.id).filter((s) => !name || s.name === name);
  if (snaps.length === 0) return {};
  const fsPath = filesystemPath(ctx.state.array, fs);
  return { count: snaps.length, snapshot: snaps.map((s) => snapshotItem(ctx.state.array, fs, s, fsPath)) };
}

/** Finds by `path` (on filesystem `id`) or by `name` (on the filesystem, or on every filesystem of a TSM datasetid). */
function selectForDelete(ctx: SandboxContext, p: Params): ArraySnapshotRecord[] {
  const id = p.require('deleteSnapshot', 'id');
  const path = p.get('path');
  const name = p.get('name');
  if (!path && !name) throw new ArrayFault(431, 'Unable to execute API command deletesnapshot due to missing parameter path');
  const array = ctx.state.array;
  const targets = targetsOf(ctx, 'deleteSnapshot', id);
  return array.snapshots.filter((s) => {
    const fs = targets.find((f) => f.id === s.fsId);
    if (!fs) return false;
    return path ? snapshotPath(array, fs, s.name) === path : s.name === name;
  });
}

export async function deleteSnapshot(ctx: SandboxContext, p: Params): Promise<unknown> {
  const doomed = selectForDelete(ctx, p);
  if (doomed.length === 0) throw new ArrayFault(431, NOT_FOUND_TEXT);
  const cloned = doomed.find((s) => s.clones > 0);
  if (cloned) throw new ArrayFault(431, `cannot destroy snapshot ${pathOf(ctx, cloned)}: snapshot has a clone`);
  await destroySnapshots(ctx, doomed);
  return { DeleteSnapshot: { status: 'success' } };
}

async function destroySnapshots(ctx: SandboxContext, doomed: ArraySnapshotRecord[]): Promise<void> {
  const array = ctx.state.array;
  array.snapshots = array.snapshots.filter((s) => !doomed.includes(s));
  ctx.save();
  await Promise.all(doomed.map((s) => removeImage(s.imagePath)));
}

function pathOf(ctx: SandboxContext, snap: ArraySnapshotRecord): string {
  const fs = findFilesystem(ctx.state.array, snap.fsId);
  return fs ? snapshotPath(ctx.state.array, fs, snap.name) : snap.name;
}

export function findByPath(ctx: SandboxContext, fs: SandboxFilesystem, path: string): ArraySnapshotRecord | undefined {
  return snapshotsOf(ctx.state.array, fs.id).find((s) => snapshotPath(ctx.state.array, fs, s.name) === path);
}

/**
 * ZFS-like rollback. Policy (state.array.rollbackPolicy): 'newest-only' refuses when newer snapshots exist
 * (431, ZFS text listing them); 'destroy-newer' destroys them first (zfs rollback -r; refused if one has a
 * clone); 'keep-newer' keeps them.
 */
export async function rollbackToSnapshot(ctx: SandboxContext, p: Params): Promise<unknown> {
  const fs = filesystemOrFault(ctx, 'rollbackToSnapshot', p.require('rollbackToSnapshot', 'id'));
  const path = p.require('rollbackToSnapshot', 'path');
  const target = findByPath(ctx, fs, path);
  if (!target) throw new ArrayFault(431, `cannot open '${path}': dataset does not exist`);
  const all = snapshotsOf(ctx.state.array, fs.id);
  const newer = all.slice(all.indexOf(target) + 1);
  const policy = ctx.state.array.rollbackPolicy;
  if (newer.length > 0 && policy === 'newest-only') {
    throw new ArrayFault(
      431,
      `cannot rollback to '${path}': more recent snapshots or bookmarks exist; use '-r' to force deletion of the following snapshots and bookmarks: ${newer.map((s) => pathOf(ctx, s)).join(' ')}`,
    );
  }
  if (newer.length > 0 && policy === 'destroy-newer') {
    const cloned = newer.find((s) => s.clones > 0);
    if (cloned) throw new ArrayFault(431, `cannot rollback to '${path}': snapshot ${pathOf(ctx, cloned)} has a clone`);
    await destroySnapshots(ctx, newer);
  }
  if (fs.imagePath && target.imagePath) await cloneImage(target.imagePath, fs.imagePath);
  ctx.save();
  return { Rollback: {} };
}
