/** Nova server bodies normalized to what ccsnap needs. */

export interface Server {
  id: string;
  name: string;
  status: string;
  /** OS-EXT-SRV-ATTR:host; null while scheduling or for non-admin tokens. */
  host: string | null;
  /** OS-EXT-SRV-ATTR:instance_name (libvirt domain name, "instance-0000000a"); "" when unknown. */
  instanceName: string;
  projectId: string;
  /** os-extended-volumes:volumes_attached ids, in Nova's order. */
  volumeIds: string[];
  created?: string;
  taskState?: string | null;
  /** fault.message when the server is in ERROR. */
  fault?: string;
  /** Nova server metadata (string values only), when the body has it. */
  metadata?: Record<string, string>;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function normalizeServer(raw: Record<string, unknown>): Server {
  const attached = raw['os-extended-volumes:volumes_attached'];
  const server: Server = {
    id: str(raw.id) ?? '',
    name: str(raw.name) ?? '',
    status: str(raw.status) ?? 'UNKNOWN',
    host: str(raw['OS-EXT-SRV-ATTR:host']) ?? null,
    instanceName: str(raw['OS-EXT-SRV-ATTR:instance_name']) ?? '',
    projectId: str(raw.tenant_id) ?? str(raw.project_id) ?? '',
    volumeIds: Array.isArray(attached) ? attached.map((v: { id?: unknown }) => str(v?.id)).filter((id): id is string => Boolean(id)) : [],
  };
  const created = str(raw.created);
  if (created) server.created = created;
  if ('OS-EXT-STS:task_state' in raw) server.taskState = str(raw['OS-EXT-STS:task_state']) ?? null;
  const fault = (raw.fault as { message?: unknown } | undefined)?.message;
  if (typeof fault === 'string') server.fault = fault;
  const metadata = stringValues(raw.metadata);
  if (metadata) server.metadata = metadata;
  return server;
}

function stringValues(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}
