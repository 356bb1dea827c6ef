import type { SandboxContext } from '../context.js';
import type { CinderState, SandboxVolume } from '../state.js';
import { stableUuid } from '../ids.js';
import { atLeast, type Microversion } from './microversion.js';

type VolumeType = CinderState['types'][number];

export function volumeUrl(ctx: SandboxContext, projectId: string): string {
  return `${ctx.baseUrl}/volume/v3/${projectId}`;
}

function volumeLinks(ctx: SandboxContext, projectId: string, id: string): unknown[] {
  return [
    { rel: 'self', href: `${volumeUrl(ctx, projectId)}/volumes/${id}` },
    { rel: 'bookmark', href: `${ctx.baseUrl}/volume/${projectId}/volumes/${id}` },
  ];
}

export function volumeSummary(ctx: SandboxContext, projectId: string, v: SandboxVolume): Record<string, unknown> {
  return { id: v.id, links: volumeLinks(ctx, projectId, v.id), name: v.name };
}

/** The full volume body at microversion `mv`, field order as real Cinder 21; admin-only fields for admins. */
export function volumeDetail(ctx: SandboxContext, projectId: string, v: SandboxVolume, mv: Microversion, admin: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: v.id,
    status: v.status,
    size: v.size,
    availability_zone: 'nova',
    created_at: v.created,
    updated_at: v.updated,
    name: v.name,
    description: null,
    volume_type: v.volumeType,
    snapshot_id: null,
    source_volid: null,
    metadata: v.metadata,
    links: volumeLinks(ctx, projectId, v.id),
    user_id: v.userId,
    bootable: v.bootable ? 'true' : 'false',
    encrypted: false,
    replication_status: null,
    consistencygroup_id: null,
    multiattach: false,
    attachments: v.attachments.map((a) => ({
      id: v.id,
      attachment_id: a.attachmentId,
      volume_id: v.id,
      server_id: a.serverId,
      host_name: a.hostName,
      device: a.device,
      attached_at: a.attachedAt,
    })),
    migration_status: null,
  };
  addMicroversionFields(ctx, body, v, mv);
  if (admin) {
    Object.assign(body, {
      'os-vol-tenant-attr:tenant_id': v.tenantId,
      'os-vol-mig-status-attr:migstat': null,
      'os-vol-mig-status-attr:name_id': null,
      'os-vol-host-attr:host': v.host,
    });
  }
  return body;
}

function addMicroversionFields(ctx: SandboxContext, body: Record<string, unknown>, v: SandboxVolume, mv: Microversion): void {
  if (atLeast(mv, '3.13')) body['group_id'] = null;
  if (atLeast(mv, '3.21')) body['provider_id'] = null;
  if (atLeast(mv, '3.48')) {
    body['shared_targets'] = false;
    body['service_uuid'] = stableUuid(`cinder-volume:${v.host.split('#')[0] ?? v.host}`);
  }
  if (atLeast(mv, '3.61')) body['cluster_name'] = null;
  if (atLeast(mv, '3.63')) body['volume_type_id'] = ctx.state.cinder.types.find((t) => t.name === v.volumeType)?.id ?? null;
  if (atLeast(mv, '3.65')) body['consumes_quota'] = true;
}

export function volumeTypeView(t: VolumeType, admin: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    is_public: t.isPublic,
    description: t.description,
    qos_specs_id: null,
    'os-volume-type-access:is_public': t.isPublic,
  };
  if (admin) body['extra_specs'] = t.extraSpecs;
  return body;
}
