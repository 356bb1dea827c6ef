/** Cinder volume bodies normalized to what ccsnap needs. */

export interface VolumeAttachment {
  serverId: string;
  device: string;
  attachmentId?: string;
  hostName?: string;
}

export interface Volume {
  id: string;
  name: string;
  status: string;
  /** GiB. */
  size: number;
  /** Volume type name, as Cinder reports it. */
  volumeType: string | null;
  /** Cinder sends the string "true"/"false". */
  bootable: boolean;
  /** os-vol-host-attr:host, "host@backend#pool"; null for non-admin tokens. */
  backendHost: string | null;
  attachments: VolumeAttachment[];
  projectId?: string;
  multiattach?: boolean;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** true for true, "true", "True"; false otherwise. */
export function parseCinderBool(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

function normalizeAttachment(raw: Record<string, unknown>): VolumeAttachment {
  const out: VolumeAttachment = { serverId: str(raw.server_id) ?? '', device: str(raw.device) ?? '' };
  const attachmentId = str(raw.attachment_id);
  if (attachmentId) out.attachmentId = attachmentId;
  const hostName = str(raw.host_name);
  if (hostName) out.hostName = hostName;
  return out;
}

export function normalizeVolume(raw: Record<string, unknown>): Volume {
  const volume: Volume = {
    id: str(raw.id) ?? '',
    name: str(raw.name) ?? '',
    status: str(raw.status) ?? 'unknown',
    size: typeof raw.size === 'number' ? raw.size : Number(raw.size ?? 0),
    volumeType: str(raw.volume_type) ?? null,
    bootable: parseCinderBool(raw.bootable),
    backendHost: str(raw['os-vol-host-attr:host']) ?? null,
    attachments: Array.isArray(raw.attachments) ? (raw.attachments as Array<Record<string, unknown>>).map(normalizeAttachment) : [],
  };
  const projectId = str(raw['os-vol-tenant-attr:tenant_id']);
  if (projectId) volume.projectId = projectId;
  if (raw.multiattach !== undefined) volume.multiattach = parseCinderBool(raw.multiattach);
  return volume;
}
