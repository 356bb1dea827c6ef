import { matchesVolume, resolveFilesystems } from '../array/index.js';
import type { CcsnapError } from '../errors.js';
import type { InstanceInfo, VolumeInfo } from '../engine/ports.js';
import type { InstanceSnapshots } from '../engine/catalog.js';
import { getServer, getVolumeById, isHttpStatus, listServerAttachments, listServers, listVolumes, type Server, type Volume } from '../openstack/index.js';
import type { Session } from '../openstack/session.js';
import type { Runtime } from '../runtime.js';
import { mapLimited } from '../util/limit.js';
import { requireName } from './resolve.js';

export interface Inventory {
  instances: InstanceSnapshots[];
  /** Servers as Nova returned them, keyed by id. */
  servers: Map<string, Server>;
}

/**
 * One server list, one paged volume list, and one listFileSystem per array that holds any of the volumes:
 * never one request per instance. For one instance: its server, Cinder's attachments of it and its volumes
 * by id (a few requests, whatever the size of the cloud).
 */
export async function gatherInventory(rt: Runtime, opts: { instance?: string; signal?: AbortSignal }): Promise<Inventory> {
  if (opts.instance !== undefined) requireName(opts.instance, 'instance');
  const session = await rt.session(opts.signal);
  const sig = opts.signal ? { signal: opts.signal } : {};
  const [servers, volumes] =
    opts.instance !== undefined
      ? await oneServer(session, opts.instance, opts.signal)
      : await Promise.all([listServers(session, { allTenants: true, ...sig }), listVolumes(session, { allTenants: true, ...sig })]);
  const byServer = attachmentsByServer(volumes);
  const placement = await placeVolumes(rt, volumes, servers, byServer, opts.signal);
  const byId = new Map(volumes.map((v) => [v.id, v]));
  const instances = servers.map((server) => ({
    instance: toInstanceInfo(server),
    volumes: attachedVolumeIds(server, byServer).map((id) => toVolumeInfo(server, id, byId.get(id), placement.get(id))),
  }));
  return { instances, servers: new Map(servers.map((s) => [s.id, s])) };
}

/**
 * One server and the volumes attached to it, without listing the cloud's volumes: Nova's volumes_attached and
 * the attachments Cinder records for the server (one request), then each of those volumes by id. A Cinder
 * without the attachments API (older than 3.27, or one whose policy refuses it) gets the volume list instead.
 */
async function oneServer(session: Session, instance: string, signal?: AbortSignal): Promise<[Server[], Volume[]]> {
  const sig = signal ? { signal } : {};
  const server = await getServer(session, instance, { allTenants: true, ...sig });
  let inCinder: string[];
  try {
    // As a volume's own `attachments` show them: the attachments that are complete.
    inCinder = (await listServerAttachments(session, server.id, { allTenants: true, ...sig })).filter((a) => a.status === 'attached').map((a) => a.volumeId);
  } catch (err) {
    if (![400, 403, 404, 406].some((status) => isHttpStatus(err, status))) throw err;
    return [[server], await listVolumes(session, { allTenants: true, ...sig })];
  }
  const ids = [...new Set([...server.volumeIds, ...inCinder])];
  const volumes = await Promise.all(ids.map((id) => getVolumeById(session, id, sig)));
  return [[server], volumes.filter((v): v is Volume => v !== undefined)];
}

export function toInstanceInfo(server: Server): InstanceInfo {
  return { id: server.id, name: server.name, status: server.status, host: server.host, domain: server.instanceName, projectId: server.projectId };
}

/** Cinder's view: server id → ids of the volumes attached to it (one pass over the volumes). */
function attachmentsByServer(volumes: Volume[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const v of volumes) {
    for (const a of v.attachments) {
      const ids = map.get(a.serverId);
      if (ids) ids.push(v.id);
      else map.set(a.serverId, [v.id]);
    }
  }
  return map;
}

/** Nova's volumes_attached, plus Cinder attachments that name the server (either side may lag). */
function attachedVolumeIds(server: Server, byServer: Map<string, string[]>): string[] {
  const ids = [...server.volumeIds];
  for (const id of byServer.get(server.id) ?? []) if (!ids.includes(id)) ids.push(id);
  return ids;
}

type Placement = { array: { name: string; fsId: string } } | { reason: string; problem?: CcsnapError };

async function placeVolumes(
  rt: Runtime,
  volumes: Volume[],
  servers: Server[],
  byServer: Map<string, string[]>,
  signal?: AbortSignal,
): Promise<Map<string, Placement>> {
  const wanted = new Set(servers.flatMap((s) => attachedVolumeIds(s, byServer)));
  const result = new Map<string, Placement>();
  const candidates = new Map<string, Volume[]>();
  for (const v of volumes) {
    if (!wanted.has(v.id)) continue;
    const array = rt.arrays().find((a) => matchesVolume(a.volumeRule, v));
    if (!array) {
      result.set(v.id, {
        reason: rt.arrays().length
          ? `volume type ${v.volumeType ?? '(none)'} on ${v.backendHost ?? '?'} matches no array's volume rule`
          : 'no array configured',
      });
      continue;
    }
    const list = candidates.get(array.name);
    if (list) list.push(v);
    else candidates.set(array.name, [v]);
  }
  await mapLimited([...candidates.entries()], 4, async ([arrayName, vols]) => {
    const problems = new Map<string, CcsnapError>();
    const found = await resolveFilesystems(
      rt.array(arrayName),
      vols.map((v) => v.id),
      { problems, ...(signal ? { signal } : {}) },
    );
    for (const v of vols) {
      const fs = found.get(v.id);
      const problem = problems.get(v.id);
      result.set(
        v.id,
        fs
          ? { array: { name: arrayName, fsId: fs.id } }
          : { reason: problem?.message ?? `array ${arrayName}: filesystem unknown`, ...(problem ? { problem } : {}) },
      );
    }
  });
  return result;
}

function toVolumeInfo(server: Server, id: string, volume: Volume | undefined, placement: Placement | undefined): VolumeInfo {
  const device = volume?.attachments.find((a) => a.serverId === server.id)?.device ?? null;
  const base: Omit<VolumeInfo, 'array'> = {
    id,
    name: volume?.name ?? '',
    volumeType: volume?.volumeType ?? null,
    bootable: volume?.bootable ?? false,
    device,
  };
  if (!volume) return { ...base, array: null, arrayReason: 'volume not visible in Cinder' };
  const others = [...new Set(volume.attachments.filter((a) => a.serverId !== server.id).map((a) => a.serverId))];
  if (others.length) base.sharedWith = others;
  if (placement && 'array' in placement) return { ...base, array: placement.array };
  const problem = placement && 'problem' in placement ? placement.problem : undefined;
  return {
    ...base,
    array: null,
    arrayReason: placement?.reason ?? 'not placed',
    ...(problem ? { arrayProblem: { code: problem.code, message: problem.message, details: problem.details } } : {}),
  };
}
