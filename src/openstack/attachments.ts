import type { Session } from './session.js';
import { pickSignal } from '../util/optional.js';

/** Cinder's attachments API (microversion 3.27+): the records of which volume is attached to which server. */
export const attachmentsPath = (): string => '/attachments';

/** One attachment as the summary list shows it. */
export interface AttachmentRecord {
  id: string;
  volumeId: string;
  /** The server (Nova instance) it attaches the volume to. */
  serverId: string | null;
  /** attach_status: attached, attaching, reserved, detached, … */
  status: string;
}

/**
 * GET /attachments?instance_id=SERVER: the attachments Cinder records for one server, across all projects
 * for an admin (`allTenants`). One request, whatever the number of volumes in the cloud. A Cinder older than
 * 3.27 answers 404 (the caller falls back to the volume list).
 */
export async function listServerAttachments(
  session: Session,
  serverId: string,
  opts: { allTenants?: boolean; signal?: AbortSignal } = {},
): Promise<AttachmentRecord[]> {
  const res = await session.request<{ attachments?: Array<Record<string, unknown>> }>('volume', 'GET', attachmentsPath(), {
    query: { instance_id: serverId, ...(opts.allTenants ? { all_tenants: 1 } : {}) },
    ...pickSignal(opts.signal),
  });
  return (res.body.attachments ?? []).map(normalizeAttachment).filter((a): a is AttachmentRecord => a !== undefined);
}

/** An attachment of the summary view ({id, status, instance, volume_id}); undefined when it has no ids. */
export function normalizeAttachment(raw: Record<string, unknown>): AttachmentRecord | undefined {
  const id = raw['id'];
  const volumeId = raw['volume_id'];
  if (typeof id !== 'string' || typeof volumeId !== 'string') return undefined;
  const instance = raw['instance'] ?? raw['instance_uuid'];
  const status = raw['status'] ?? raw['attach_status'];
  return { id, volumeId, serverId: typeof instance === 'string' ? instance : null, status: typeof status === 'string' ? status : 'unknown' };
}
