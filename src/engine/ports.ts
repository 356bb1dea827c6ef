import type { CcsnapErrorCode } from '../error-codes/index.js';

/**
 * What the engine needs from the outside world. The concrete implementations live in
 * src/openstack, src/array and src/hypervisor; tests may substitute their own.
 */
export interface Signalled {
  signal?: AbortSignal;
}

export interface ArraySnapshotInfo {
  name: string;
  path: string;
  clones: number;
  timestamp: string;
}

export interface ArrayPort {
  readonly name: string;
  listFileSystems(args: Signalled): Promise<Array<{ id: string; name: string }>>;
  createStorageSnapshot(args: { fsId: string; name: string } & Signalled): Promise<{ name: string; id?: string | null; reconciled?: boolean }>;
  listStorageSnapshots(args: { fsId: string } & Signalled): Promise<ArraySnapshotInfo[]>;
  deleteSnapshot(args: { fsId: string; path: string } & Signalled): Promise<{ outcome: 'deleted' | 'already-absent' }>;
  rollbackToSnapshot(args: { fsId: string; path: string } & Signalled): Promise<unknown>;
}

export interface HypervisorPort {
  freeze(domain: string, opts?: { mountpoints?: string[] } & Signalled): Promise<{ filesystems: number }>;
  thaw(domain: string, opts?: Signalled): Promise<{ filesystems: number }>;
  freezeStatus(domain: string, opts?: Signalled): Promise<'frozen' | 'thawed'>;
  ping(domain: string, opts?: Signalled): Promise<void>;
  domainState(domain: string, opts?: Signalled): Promise<string>;
}

/** A compute-side view of an instance, as the engine needs it. */
export interface InstanceInfo {
  id: string;
  name: string;
  status: string;
  host: string | null;
  domain: string;
  projectId?: string;
}

/** An attached volume, with where it lives on the array (when it does). */
export interface VolumeInfo {
  id: string;
  name: string;
  volumeType: string | null;
  bootable: boolean;
  device: string | null;
  /** Array name and filesystem id, when the volume rule puts it on an array and the filesystem was found. */
  array: { name: string; fsId: string } | null;
  /** Why the volume is not on an array (or why its filesystem is unknown). */
  arrayReason?: string;
  /**
   * Set when the volume rule puts the volume on an array but its filesystem cannot be named: none, or
   * more than one (CCSNAP_ARRAY_FS_NOT_FOUND / CCSNAP_ARRAY_FS_AMBIGUOUS). Commands that change disks refuse.
   */
  arrayProblem?: { code: CcsnapErrorCode; message: string; details: Record<string, unknown> };
  /** The other instances (ids) the volume is attached to as well (a multi-attach volume); absent when none. */
  sharedWith?: string[];
}

/** Nova power actions the rollback needs. */
export interface ComputePort {
  getStatus(instanceId: string, opts?: Signalled): Promise<string>;
  stop(instanceId: string, opts?: Signalled): Promise<void>;
  start(instanceId: string, opts?: Signalled): Promise<void>;
  waitForStatus(instanceId: string, status: string, opts: { deadlineMs: number } & Signalled): Promise<void>;
}

/** What an array does with snapshots newer than the rollback target (the reference leaves it open). */
export type RollbackSemantics = 'newest-only' | 'destroy-newer' | 'keep-newer';
