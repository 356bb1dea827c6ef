import { constants } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArrayState } from '../state.js';

/** File-backed mode: makes `imagePath` the disk image holding filesystem `fsId`'s bytes. */
export function attachImage(state: ArrayState, fsId: string, imagePath: string): void {
  const fs = state.filesystems.find((f) => f.id === fsId);
  if (!fs) throw new Error(`sandbox array: no filesystem ${fsId}`);
  fs.imagePath = imagePath;
}

/** Copies an image, cloning (reflink) where the filesystem allows and falling back to a plain copy. */
export async function cloneImage(from: string, to: string): Promise<void> {
  await copyFile(from, to, constants.COPYFILE_FICLONE);
}

export async function snapshotImagePath(dataDir: string, snapshotId: string): Promise<string> {
  const dir = join(dataDir, 'array', 'snapshots');
  await mkdir(dir, { recursive: true });
  return join(dir, `${snapshotId}.img`);
}

export async function filesystemImagePath(dataDir: string, fsId: string): Promise<string> {
  const dir = join(dataDir, 'array', 'filesystems');
  await mkdir(dir, { recursive: true });
  return join(dir, `${fsId}.img`);
}

export async function removeImage(path: string | undefined): Promise<void> {
  if (path) await rm(path, { force: true });
}
