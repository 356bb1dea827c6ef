/**
 * The sandbox's whole world, persisted as one JSON file. Each emulated service owns its section.
 * Times are ISO strings; ids are UUIDs (Keystone ids are 32 hex characters, as in real Keystone).
 */
export interface SandboxState {
  version: 1;
  region: string;
  keystone: KeystoneState;
  nova: NovaState;
  cinder: CinderState;
  glance: { images: SandboxImage[] };
  array: ArrayState;
  hypervisor: HypervisorState;
}

export interface KeystoneState {
  domains: Array<{ id: string; name: string }>;
  projects: Array<{ id: string; name: string; domainId: string }>;
  users: Array<{ id: string; name: string; domainId: string; password: string; defaultProjectId: string; roles: string[] }>;
  applicationCredentials: Array<{ id: string; name: string; secret: string; userId: string; projectId: string }>;
}

export interface NovaState {
  flavors: Array<{ id: string; name: string; vcpus: number; ram: number; disk: number }>;
  servers: SandboxServer[];
  /** Next number for `instance-%08x` libvirt domain names. */
  nextInstanceNumber: number;
  /** How long os-stop/os-start take before the server reaches SHUTOFF/ACTIVE (default 200 ms). */
  powerDelayMs?: number;
  /** Instance actions recorded by the API (os-stop, os-start); each server's "create" is implied by its `created`. */
  instanceActions?: SandboxInstanceAction[];
}

/** A Nova instance action (`server event list`) with its one compute event. */
export interface SandboxInstanceAction {
  action: string;
  serverId: string;
  requestId: string;
  userId: string;
  projectId: string;
  startTime: string;
  updatedAt: string;
  event: { name: string; host: string; startTime: string; finishTime: string | null; result: string | null };
}

export interface SandboxServer {
  id: string;
  name: string;
  /** Nova status: ACTIVE, SHUTOFF, ERROR, BUILD, ... */
  status: string;
  vmState: string;
  powerState: number;
  taskState: string | null;
  /** Compute host (`OS-EXT-SRV-ATTR:host`). */
  host: string;
  /** libvirt domain name (`OS-EXT-SRV-ATTR:instance_name`). */
  instanceName: string;
  tenantId: string;
  userId: string;
  flavorId: string;
  /** "" when booted from volume. */
  imageId: string;
  created: string;
  updated: string;
  launchedAt: string;
  metadata: Record<string, string>;
}

export interface CinderState {
  types: Array<{ id: string; name: string; extraSpecs: Record<string, string>; isPublic: boolean; description: string | null }>;
  volumes: SandboxVolume[];
  /** Cinder's own volume snapshots (not the array snapshots ccsnap takes); none in the demo inventory. */
  snapshots?: SandboxCinderSnapshot[];
}

export interface SandboxCinderSnapshot {
  id: string;
  name: string;
  description: string | null;
  /** available, creating, error, ... */
  status: string;
  size: number;
  volumeId: string;
  tenantId: string;
  userId: string;
  created: string;
  updated: string;
  metadata: Record<string, string>;
}

export interface SandboxVolume {
  id: string;
  name: string;
  size: number;
  /** available, in-use, ... */
  status: string;
  /** Volume type name. */
  volumeType: string;
  bootable: boolean;
  /** `os-vol-host-attr:host`, e.g. "sandbox-volume1@cloudbyte#pool1". */
  host: string;
  tenantId: string;
  userId: string;
  created: string;
  updated: string;
  attachments: Array<{ attachmentId: string; serverId: string; device: string; hostName: string; attachedAt: string }>;
  metadata: Record<string, string>;
}

export interface SandboxImage {
  id: string;
  name: string;
  status: string;
  diskFormat: string;
  containerFormat: string;
  size: number;
  created: string;
}

export interface ArrayState {
  /** The API key ElastiCenter expects (the sandbox generates one per state). */
  apiKey: string;
  /** ZFS-like rollback semantics: refuse an older snapshot, destroy newer ones, or keep them. */
  rollbackPolicy: 'newest-only' | 'destroy-newer' | 'keep-newer';
  accounts: Array<{ id: string; name: string }>;
  tsms: Array<{ id: string; name: string; accountId: string; datasetId: string; pool: string; ipaddress: string }>;
  filesystems: ArrayFilesystem[];
  snapshots: ArraySnapshotRecord[];
}

export interface ArrayFilesystem {
  id: string;
  /** Cinder volume id without hyphens. */
  name: string;
  tsmId: string;
  accountId: string;
  pool: string;
  quota: string;
  simpleid: number;
  /** File-backed mode: the disk image that holds this filesystem's bytes. */
  imagePath?: string;
}

export interface ArraySnapshotRecord {
  /** Snapshot id as returned by createStorageSnapshot (never shown by listStorageSnapshots). */
  id: string;
  fsId: string;
  name: string;
  /** Epoch milliseconds; orders snapshots oldest first. */
  createdAt: number;
  clones: number;
  /** File-backed mode: the copy of the filesystem image taken at snapshot time. */
  imagePath?: string;
}

export interface HypervisorState {
  domains: SandboxDomain[];
}

/** A libvirt domain with a guest-agent model. */
export interface SandboxDomain {
  name: string;
  /** Compute host the domain runs on. */
  host: string;
  /** libvirt domain state: "running", "shut off", "paused". */
  state: string;
  /** Agent model: "ok"; "missing" (no channel); "disconnected" (not running); "hang" (never answers). */
  agent: 'ok' | 'missing' | 'disconnected' | 'hang';
  /** Milliseconds the agent takes to freeze (slow freeze model). */
  freezeDelayMs: number;
  /** Windows-style guest: the agent thaws by itself after this many ms frozen (VSS limit 10 s). */
  autoThawMs?: number;
  frozen: boolean;
  /** Epoch ms of the current freeze, when frozen. */
  frozenSince?: number;
  mountpoints: Array<{ mountpoint: string; name: string; type: string; target: string }>;
  /** Freeze/thaw history, recorded by the sandbox's clock. */
  events: Array<{
    at: number;
    kind: 'freeze-requested' | 'freeze' | 'thaw-requested' | 'thaw' | 'auto-thaw' | 'freeze-failed' | 'start' | 'stop';
    detail?: string;
  }>;
}

export function emptyState(): SandboxState {
  return {
    version: 1,
    region: 'RegionOne',
    keystone: { domains: [], projects: [], users: [], applicationCredentials: [] },
    nova: { flavors: [], servers: [], nextInstanceNumber: 1 },
    cinder: { types: [], volumes: [] },
    glance: { images: [] },
    array: { apiKey: '', rollbackPolicy: 'newest-only', accounts: [], tsms: [], filesystems: [], snapshots: [] },
    hypervisor: { domains: [] },
  };
}
