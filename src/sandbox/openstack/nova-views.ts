import { createHash } from 'node:crypto';
import type { SandboxContext } from '../context.js';
import type { NovaState, SandboxServer } from '../state.js';
import { remembered, stableUuid } from '../ids.js';
import { atLeast, type Microversion } from './microversion.js';
import { isoSeconds } from './http.js';

type Flavor = NovaState['flavors'][number];

export function computeUrl(ctx: SandboxContext): string {
  return `${ctx.baseUrl}/compute/v2.1`;
}

/** Bookmark links drop the version segment, as Nova's do. */
function bookmarkBase(ctx: SandboxContext): string {
  return `${ctx.baseUrl}/compute`;
}

export function serverLinks(ctx: SandboxContext, id: string): unknown[] {
  return [
    { rel: 'self', href: `${computeUrl(ctx)}/servers/${id}` },
    { rel: 'bookmark', href: `${bookmarkBase(ctx)}/servers/${id}` },
  ];
}

/** The `GET /servers` (non-detail) entry. */
export function serverSummary(ctx: SandboxContext, s: SandboxServer): Record<string, unknown> {
  return { id: s.id, name: s.name, links: serverLinks(ctx, s.id) };
}

/** Nova's hostId: sha224 of project id + host (remembered: a cloud has few project and host pairs). */
function hostId(s: SandboxServer): string {
  return s.host ? sha224Of(s.tenantId + s.host) : '';
}

const sha224Of = remembered(10_000, (text) => createHash('sha224').update(text).digest('hex'));

function flavorView(ctx: SandboxContext, s: SandboxServer, v: Microversion): unknown {
  const flavor = ctx.state.nova.flavors.find((f) => f.id === s.flavorId);
  if (!atLeast(v, '2.47')) {
    return { id: s.flavorId, links: [{ rel: 'bookmark', href: `${bookmarkBase(ctx)}/flavors/${s.flavorId}` }] };
  }
  return {
    vcpus: flavor?.vcpus ?? 0,
    ram: flavor?.ram ?? 0,
    disk: flavor?.disk ?? 0,
    ephemeral: 0,
    swap: 0,
    original_name: flavor?.name ?? s.flavorId,
    extra_specs: {},
  };
}

function imageView(ctx: SandboxContext, s: SandboxServer): unknown {
  if (!s.imageId) return '';
  return { id: s.imageId, links: [{ rel: 'bookmark', href: `${bookmarkBase(ctx)}/images/${s.imageId}` }] };
}

type Attached = { volumeId: string; device: string; attachmentId: string };

/** Volumes attached to a server, from Cinder's attachments, in device order. */
export function attachedVolumes(ctx: SandboxContext, serverId: string): Attached[] {
  const out: Attached[] = [];
  for (const vol of ctx.state.cinder.volumes) {
    for (const a of vol.attachments) {
      if (a.serverId === serverId) out.push({ volumeId: vol.id, device: a.device, attachmentId: a.attachmentId });
    }
  }
  return out.sort(byDevice);
}

function byDevice(a: Attached, b: Attached): number {
  return a.device.localeCompare(b.device);
}

/**
 * Cinder's attachments of these servers, each in device order: one pass over the volumes, for a list page
 * that shows many servers (looking each server up scanned every volume per server).
 */
export function attachmentsByServer(ctx: SandboxContext, servers: ReadonlySet<string>): Map<string, Attached[]> {
  const byServer = new Map<string, Attached[]>();
  for (const vol of ctx.state.cinder.volumes) {
    for (const a of vol.attachments) {
      if (!servers.has(a.serverId)) continue;
      const item = { volumeId: vol.id, device: a.device, attachmentId: a.attachmentId };
      const list = byServer.get(a.serverId);
      if (list) list.push(item);
      else byServer.set(a.serverId, [item]);
    }
  }
  for (const list of byServer.values()) list.sort(byDevice);
  return byServer;
}

/**
 * The full server body (`GET /servers/{id}`, `/servers/detail`) at microversion `v`, field order as real Nova 26.
 * `attached`: the server's attachments when the caller looked them up for many servers at once.
 */
export function serverDetail(ctx: SandboxContext, s: SandboxServer, v: Microversion, attached?: Map<string, Attached[]>): Record<string, unknown> {
  const volumes = attached ? (attached.get(s.id) ?? []) : attachedVolumes(ctx, s.id);
  const building = s.status === 'BUILD';
  const body: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    status: s.status,
    tenant_id: s.tenantId,
    user_id: s.userId,
    metadata: s.metadata,
    hostId: hostId(s),
    image: imageView(ctx, s),
    flavor: flavorView(ctx, s, v),
    created: isoSeconds(s.created),
    updated: isoSeconds(s.updated),
    addresses: {},
    accessIPv4: '',
    accessIPv6: '',
    links: serverLinks(ctx, s.id),
    'OS-DCF:diskConfig': 'MANUAL',
    progress: 0,
    'OS-EXT-AZ:availability_zone': 'nova',
    config_drive: '',
    key_name: null,
    'OS-SRV-USG:launched_at': s.launchedAt || null,
    'OS-SRV-USG:terminated_at': null,
    'OS-EXT-SRV-ATTR:host': building ? null : s.host,
    'OS-EXT-SRV-ATTR:instance_name': building ? '' : s.instanceName,
    'OS-EXT-SRV-ATTR:hypervisor_hostname': building ? null : s.host,
  };
  if (atLeast(v, '2.3')) {
    Object.assign(body, {
      'OS-EXT-SRV-ATTR:reservation_id': `r-${stableUuid(`reservation:${s.id}`).slice(0, 8)}`,
      'OS-EXT-SRV-ATTR:launch_index': 0,
      'OS-EXT-SRV-ATTR:hostname': s.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-'),
      'OS-EXT-SRV-ATTR:kernel_id': '',
      'OS-EXT-SRV-ATTR:ramdisk_id': '',
      'OS-EXT-SRV-ATTR:root_device_name': volumes[0]?.device ?? '/dev/vda',
      'OS-EXT-SRV-ATTR:user_data': null,
    });
  }
  Object.assign(body, {
    'OS-EXT-STS:task_state': s.taskState,
    'OS-EXT-STS:vm_state': s.vmState,
    'OS-EXT-STS:power_state': s.powerState,
    'os-extended-volumes:volumes_attached': volumes.map((a) => (atLeast(v, '2.3') ? { id: a.volumeId, delete_on_termination: false } : { id: a.volumeId })),
  });
  addLaterFields(body, s, v);
  return body;
}

function addLaterFields(body: Record<string, unknown>, s: SandboxServer, v: Microversion): void {
  if (atLeast(v, '2.16')) body['host_status'] = s.host ? 'UP' : '';
  if (atLeast(v, '2.9')) body['locked'] = false;
  if (atLeast(v, '2.73')) body['locked_reason'] = null;
  if (atLeast(v, '2.19')) body['description'] = null;
  if (atLeast(v, '2.26')) body['tags'] = [];
  if (atLeast(v, '2.63')) body['trusted_image_certificates'] = null;
  if (atLeast(v, '2.71')) body['server_groups'] = [];
}

export function flavorDetail(ctx: SandboxContext, f: Flavor, v: Microversion): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: f.id,
    name: f.name,
    ram: f.ram,
    disk: f.disk,
    swap: atLeast(v, '2.75') ? 0 : '',
    'OS-FLV-EXT-DATA:ephemeral': 0,
    'OS-FLV-DISABLED:disabled': false,
    vcpus: f.vcpus,
    'os-flavor-access:is_public': true,
    rxtx_factor: 1.0,
    links: flavorLinks(ctx, f.id),
  };
  if (atLeast(v, '2.55')) body['description'] = null;
  if (atLeast(v, '2.61')) body['extra_specs'] = {};
  return body;
}

export function flavorSummary(ctx: SandboxContext, f: Flavor, v: Microversion): Record<string, unknown> {
  const body: Record<string, unknown> = { id: f.id, name: f.name, links: flavorLinks(ctx, f.id) };
  if (atLeast(v, '2.55')) body['description'] = null;
  return body;
}

function flavorLinks(ctx: SandboxContext, id: string): unknown[] {
  return [
    { rel: 'self', href: `${computeUrl(ctx)}/flavors/${id}` },
    { rel: 'bookmark', href: `${bookmarkBase(ctx)}/flavors/${id}` },
  ];
}

/** One `os-volume_attachments` entry at microversion `v`. */
export function volumeAttachmentView(
  serverId: string,
  a: { volumeId: string; device: string; attachmentId: string },
  v: Microversion,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (!atLeast(v, '2.89')) body['id'] = a.volumeId;
  Object.assign(body, { serverId, volumeId: a.volumeId, device: a.device });
  if (atLeast(v, '2.70')) body['tag'] = null;
  if (atLeast(v, '2.79')) body['delete_on_termination'] = false;
  if (atLeast(v, '2.89')) {
    body['attachment_id'] = a.attachmentId;
    body['bdm_uuid'] = stableUuid(`bdm:${a.attachmentId}`);
  }
  return body;
}
