import type { SandboxResponse } from '../router.js';
import type { SandboxContext } from '../context.js';
import type { SandboxVolume } from '../state.js';
import { json, osError, truthyParam, type OsCall } from './http.js';
import { atLeast, type Microversion } from './microversion.js';
import { isAdmin } from './nova-list.js';

/** The filters real Cinder's AttachmentsController allows. */
type Filter = 'instance_id' | 'volume_id' | 'status' | 'attach_status';

interface AttachmentView {
  volume: SandboxVolume;
  attachment: SandboxVolume['attachments'][number];
}

/**
 * GET /v3/{project}/attachments[/detail]: every attachment of the volumes the caller sees (all projects for an
 * admin with all_tenants), filtered by instance_id, volume_id or status; the summary is {id, status, instance,
 * volume_id}. Below 3.27 the route does not exist (404, like Cinder's versioned methods).
 */
export function listAttachments(ctx: SandboxContext, detail: boolean): (call: OsCall, mv: Microversion) => SandboxResponse {
  return (call, mv) => {
    if (!atLeast(mv, '3.27')) return osError('cinder', 404, 'The resource could not be found.');
    const q = call.req.query;
    const allTenants = isAdmin(call.token) && truthyParam(q.get('all_tenants'), true);
    const views: AttachmentView[] = [];
    for (const volume of ctx.state.cinder.volumes) {
      if (!allTenants && volume.tenantId !== call.token?.projectId) continue;
      for (const attachment of volume.attachments) views.push({ volume, attachment });
    }
    const wanted = (name: Filter): string | null => q.get(name);
    const matching = views.filter(({ volume, attachment }) => {
      const instance = wanted('instance_id');
      const volumeId = wanted('volume_id');
      const status = wanted('status') ?? wanted('attach_status');
      return (
        (instance === null || attachment.serverId === instance) && (volumeId === null || volume.id === volumeId) && (status === null || status === 'attached')
      );
    });
    return json(200, { attachments: matching.map((v) => (detail ? attachmentDetail(v) : attachmentSummary(v))) });
  };
}

function attachmentSummary({ volume, attachment }: AttachmentView): Record<string, unknown> {
  return { id: attachment.attachmentId, status: 'attached', instance: attachment.serverId, volume_id: volume.id };
}

function attachmentDetail(view: AttachmentView): Record<string, unknown> {
  const { attachment } = view;
  return {
    ...attachmentSummary(view),
    attached_at: attachment.attachedAt,
    detached_at: null,
    attach_mode: 'rw',
    connection_info: {},
  };
}
