import { newUuid, stableUuid } from '../ids.js';
import type { ArrayFilesystem, ArrayState, SandboxVolume } from '../state.js';
import type { SandboxContext } from '../context.js';
import { cloneImage, filesystemImagePath, removeImage } from './images.js';
import { recordArrayJob } from './jobs.js';
import { accountName, datasetPrefix, filesystemItem, findFilesystem, snapshotsOf, type SandboxFilesystem } from './model.js';
import { findByPath } from './snapshots.js';
import { ArrayFault, invalidParameter, LICENSE_TYPE, type Params } from './protocol.js';

export function listFileSystem(ctx: SandboxContext, p: Params): unknown {
  const array = ctx.state.array;
  const id = p.get('id');
  const tsmid = p.get('tsmid');
  const items = array.filesystems.filter((f) => (!id || f.id === id) && (!tsmid || f.tsmId === tsmid));
  if (items.length === 0) return {};
  return { count: items.length, filesystem: items.map((f) => filesystemItem(array, f)) };
}

export function listTsm(ctx: SandboxContext, p: Params): unknown {
  const array = ctx.state.array;
  const accountid = p.get('accountid');
  const tsms = array.tsms.filter((t) => !accountid || t.accountId === accountid);
  if (tsms.length === 0) return {};
  return {
    count: tsms.length,
    listTsm: tsms.map((t) => ({
      id: t.id,
      name: t.name,
      datasetid: t.datasetId,
      numericquota: 1048576,
      availablequota: 1048576 - array.filesystems.filter((f) => f.tsmId === t.id).length * 20,
      accountid: t.accountId,
      accountname: accountName(array, t.accountId),
      ipaddress: t.ipaddress,
      pool: t.pool,
    })),
  };
}

export function listAccount(ctx: SandboxContext): unknown {
  const accounts = ctx.state.array.accounts;
  if (accounts.length === 0) return {};
  return { count: accounts.length, account: accounts.map((a) => ({ id: a.id, name: a.name })) };
}

/** Makes a new filesystem from a snapshot; the snapshot's `clones` count goes up. */
export async function cloneDatasetSnapshot(ctx: SandboxContext, p: Params): Promise<unknown> {
  const array = ctx.state.array;
  const id = p.require('cloneDatasetSnapshot', 'id');
  const path = p.require('cloneDatasetSnapshot', 'path');
  const clonename = p.require('cloneDatasetSnapshot', 'clonename');
  const source = findFilesystem(array, id);
  if (!source) throw invalidParameter('cloneDatasetSnapshot', 'id', id);
  const snap = findByPath(ctx, source, path);
  if (!snap) throw new ArrayFault(431, `cannot open '${path}': dataset does not exist`);
  if (array.filesystems.some((f) => f.tsmId === source.tsmId && f.name === clonename)) {
    throw new ArrayFault(431, `cannot create '${datasetPrefix(array, source)}/${clonename}': dataset already exists`);
  }
  const clone: SandboxFilesystem = {
    id: newUuid(),
    name: clonename,
    tsmId: source.tsmId,
    accountId: source.accountId,
    pool: source.pool,
    quota: source.quota,
    simpleid: nextSimpleId(array),
    origin: { snapshotId: snap.id },
  };
  array.filesystems.push(clone);
  snap.clones++;
  if (ctx.dataDir && snap.imagePath) {
    clone.imagePath = await filesystemImagePath(ctx.dataDir, clone.id);
    await cloneImage(snap.imagePath, clone.imagePath);
  }
  ctx.save();
  return { filesystem: filesystemItem(array, clone) };
}

/** Async (answers a jobid). Refuses, in the job result, a filesystem with snapshots unless forcedelete=true. */
export async function deleteFileSystem(ctx: SandboxContext, p: Params): Promise<unknown> {
  const array = ctx.state.array;
  const id = p.require('deleteFileSystem', 'id');
  const fs = findFilesystem(array, id);
  if (!fs) throw invalidParameter('deleteFileSystem', 'id', id);
  const snaps = snapshotsOf(array, fs.id);
  const cmd = 'com.cloudbyte.api.commands.DeleteFileSystemCmd';
  const refusal = snaps.some((s) => s.clones > 0)
    ? `[DESTROY] filesystem ${fs.name} has a snapshot that has a clone`
    : snaps.length > 0 && p.get('forcedelete') !== 'true'
      ? `[DESTROY] filesystem ${fs.name} has snapshots; use forcedelete=true`
      : undefined;
  if (refusal) {
    return {
      jobid: recordArrayJob(ctx, {
        cmd,
        jobstatus: 2,
        jobresultcode: 530,
        msg: '1',
        jobresult: { success: false, errorcode: 530, errortext: refusal, licensetype: LICENSE_TYPE },
      }),
    };
  }
  array.snapshots = array.snapshots.filter((s) => s.fsId !== fs.id);
  array.filesystems = array.filesystems.filter((f) => f.id !== fs.id);
  const origin = fs.origin && array.snapshots.find((s) => s.id === fs.origin!.snapshotId);
  if (origin) origin.clones = Math.max(0, origin.clones - 1);
  ctx.save();
  await Promise.all(snaps.map((s) => removeImage(s.imagePath)));
  if (fs.origin) await removeImage(fs.imagePath);
  return { jobid: recordArrayJob(ctx, { cmd, jobstatus: 1, jobresultcode: 0, msg: 'Deleted Successfully', jobresult: { success: true } }) };
}

function nextSimpleId(array: ArrayState): number {
  return array.filesystems.reduce((m, f) => Math.max(m, f.simpleid), 0) + 1;
}

/** Provisions the filesystem backing a new array volume (name = volume id without hyphens), as the seed does. */
export function provisionArrayFilesystem(state: ArrayState, volume: Pick<SandboxVolume, 'id' | 'size'>, opts: { imagePath?: string } = {}): ArrayFilesystem {
  const tsm = state.tsms[0];
  if (!tsm) throw new Error('sandbox array: no TSM to provision into');
  const existing = state.filesystems.find((f) => f.name === volume.id.replace(/-/g, ''));
  if (existing) return existing;
  const fs: ArrayFilesystem = {
    id: stableUuid(`filesystem:${volume.id}`),
    name: volume.id.replace(/-/g, ''),
    tsmId: tsm.id,
    accountId: tsm.accountId,
    pool: tsm.pool,
    quota: `${volume.size}G`,
    simpleid: nextSimpleId(state),
    ...(opts.imagePath !== undefined ? { imagePath: opts.imagePath } : {}),
  };
  state.filesystems.push(fs);
  return fs;
}

/**
 * Adds a second filesystem with the same name as `fsName`, in another TSM (created when missing), as a real
 * array allows: dataset names are unique per TSM only. Lets the sandbox show an ambiguous volume mapping.
 */
export function addSameNameFilesystem(state: ArrayState, fsName: string, tsmName = 'OTHER_VSM'): ArrayFilesystem {
  const original = state.filesystems.find((f) => f.name === fsName);
  if (!original) throw new Error(`sandbox array: no filesystem named ${fsName}`);
  let tsm = state.tsms.find((t) => t.name === tsmName);
  if (!tsm) {
    tsm = {
      id: stableUuid(`tsm:${tsmName}`),
      name: tsmName,
      accountId: original.accountId,
      datasetId: stableUuid(`dataset:${tsmName}`),
      pool: original.pool,
      ipaddress: '127.0.0.2',
    };
    state.tsms.push(tsm);
  }
  if (state.filesystems.some((f) => f.tsmId === tsm.id && f.name === fsName)) throw new Error(`sandbox array: ${tsmName} already has a filesystem ${fsName}`);
  const fs: ArrayFilesystem = {
    id: stableUuid(`filesystem:${tsmName}:${fsName}`),
    name: fsName,
    tsmId: tsm.id,
    accountId: tsm.accountId,
    pool: tsm.pool,
    quota: original.quota,
    simpleid: nextSimpleId(state),
  };
  state.filesystems.push(fs);
  return fs;
}
