import type { SandboxDomain, SandboxServer, SandboxState, SandboxVolume } from './state.js';
import { instanceName, stableHexId, stableUuid } from './ids.js';
import { provisionArrayFilesystem } from './array/filesystems.js';

export const SANDBOX_PASSWORD = 'sandbox';
export const SANDBOX_USER = 'admin';
export const SANDBOX_PROJECT = 'admin';
/** The demo array key; the sandbox is loopback-only, this is not a secret. */
export const SANDBOX_API_KEY = 'sandbox-elasticenter-key';

const SEED_TIME = '2026-11-01T08:00:00.000000';

export interface DemoServerSpec {
  name: string;
  host: string;
  status?: 'ACTIVE' | 'SHUTOFF';
  /** Volume types: the first is the boot volume. */
  volumes: string[];
  agent?: SandboxDomain['agent'];
  autoThawMs?: number;
}

/** The demo inventory a new user sees. */
export const DEMO_SERVERS: DemoServerSpec[] = [
  { name: 'web-1', host: 'compute-1', volumes: ['cb-ssd', 'cb-hdd'] },
  { name: 'db-1', host: 'compute-1', volumes: ['cb-ssd', 'cb-ssd', 'cb-hdd'] },
  { name: 'app-1', host: 'compute-2', volumes: ['cb-ssd'] },
  { name: 'legacy-1', host: 'compute-2', volumes: ['lvm-standard'] },
  { name: 'noagent-1', host: 'compute-2', volumes: ['cb-ssd'], agent: 'missing' },
  { name: 'stopped-1', host: 'compute-1', volumes: ['cb-ssd', 'cb-hdd'], status: 'SHUTOFF' },
  { name: 'win-1', host: 'compute-2', volumes: ['cb-ssd'], autoThawMs: 10_000 },
];

/** Fills an empty state with the demo cloud: identity, flavors, types, servers, volumes, array and domains. */
export function seedDemoState(state: SandboxState, servers: DemoServerSpec[] = DEMO_SERVERS): SandboxState {
  seedIdentity(state);
  seedCatalogObjects(state);
  seedArray(state);
  servers.forEach((spec, i) => addServer(state, spec, i + 1));
  const spare = makeVolume(state, 'spare-data', 'cb-hdd', false);
  state.cinder.volumes.push(spare);
  provisionFilesystem(state, spare);
  return state;
}

function seedIdentity(state: SandboxState): void {
  const domainId = 'default';
  const projectId = stableHexId('project:admin');
  state.keystone.domains.push({ id: domainId, name: 'Default' });
  state.keystone.projects.push({ id: projectId, name: SANDBOX_PROJECT, domainId });
  state.keystone.projects.push({ id: stableHexId('project:service'), name: 'service', domainId });
  state.keystone.users.push({
    id: stableHexId('user:admin'),
    name: SANDBOX_USER,
    domainId,
    password: SANDBOX_PASSWORD,
    defaultProjectId: projectId,
    roles: ['admin', 'member', 'reader'],
  });
}

function seedCatalogObjects(state: SandboxState): void {
  state.nova.flavors.push({ id: '1', name: 'm1.tiny', vcpus: 1, ram: 512, disk: 1 });
  state.nova.flavors.push({ id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 });
  for (const name of ['cb-ssd', 'cb-hdd']) {
    state.cinder.types.push({
      id: stableUuid(`type:${name}`),
      name,
      extraSpecs: { volume_backend_name: 'cloudbyte' },
      isPublic: true,
      description: `CloudByte ${name.slice(3).toUpperCase()}`,
    });
  }
  state.cinder.types.push({
    id: stableUuid('type:lvm-standard'),
    name: 'lvm-standard',
    extraSpecs: { volume_backend_name: 'lvm' },
    isPublic: true,
    description: 'LVM (not on the array)',
  });
  state.glance.images.push({
    id: stableUuid('image:cirros'),
    name: 'cirros-0.6',
    status: 'active',
    diskFormat: 'qcow2',
    containerFormat: 'bare',
    size: 21430272,
    created: SEED_TIME,
  });
}

function seedArray(state: SandboxState): void {
  const accountId = stableUuid('account:OPENSTACK_ACC');
  state.array.apiKey = SANDBOX_API_KEY;
  state.array.accounts.push({ id: accountId, name: 'OPENSTACK_ACC' });
  state.array.tsms.push({
    id: stableUuid('tsm:OPENSTACK_VSM'),
    name: 'OPENSTACK_VSM',
    accountId,
    datasetId: stableUuid('dataset:OPENSTACK_VSM'),
    pool: 'POOL1',
    ipaddress: '127.0.0.1',
  });
}

/** Adds a server (and its volumes, filesystems and libvirt domain) to the state. */
export function addServer(state: SandboxState, spec: DemoServerSpec, _index?: number): SandboxServer {
  const project = state.keystone.projects[0]!;
  const user = state.keystone.users[0]!;
  const status = spec.status ?? 'ACTIVE';
  const number = state.nova.nextInstanceNumber++;
  const server: SandboxServer = {
    id: stableUuid(`server:${spec.name}`),
    name: spec.name,
    status,
    vmState: status === 'ACTIVE' ? 'active' : 'stopped',
    powerState: status === 'ACTIVE' ? 1 : 4,
    taskState: null,
    host: spec.host,
    instanceName: instanceName(number),
    tenantId: project.id,
    userId: user.id,
    flavorId: '1',
    imageId: '',
    created: SEED_TIME,
    updated: SEED_TIME,
    launchedAt: SEED_TIME,
    metadata: {},
  };
  state.nova.servers.push(server);
  spec.volumes.forEach((type, i) => {
    const volume = makeVolume(state, i === 0 ? `${spec.name}-boot` : `${spec.name}-data${i}`, type, i === 0);
    volume.status = 'in-use';
    volume.attachments.push({
      attachmentId: stableUuid(`attachment:${spec.name}:${i}`),
      serverId: server.id,
      device: `/dev/vd${String.fromCharCode(97 + i)}`,
      hostName: spec.host,
      attachedAt: SEED_TIME,
    });
    state.cinder.volumes.push(volume);
    provisionFilesystem(state, volume);
  });
  state.hypervisor.domains.push({
    name: server.instanceName,
    host: spec.host,
    state: status === 'ACTIVE' ? 'running' : 'shut off',
    agent: spec.agent ?? 'ok',
    freezeDelayMs: 0,
    ...(spec.autoThawMs !== undefined ? { autoThawMs: spec.autoThawMs } : {}),
    frozen: false,
    mountpoints: spec.volumes.map((_, i) => ({
      mountpoint: i === 0 ? '/' : `/data${i}`,
      name: `vd${String.fromCharCode(97 + i)}1`,
      type: 'ext4',
      target: `vd${String.fromCharCode(97 + i)}`,
    })),
    events: [],
  });
  return server;
}

function makeVolume(state: SandboxState, name: string, type: string, bootable: boolean): SandboxVolume {
  const project = state.keystone.projects[0]!;
  const user = state.keystone.users[0]!;
  const onArray = type.startsWith('cb-');
  return {
    id: stableUuid(`volume:${name}`),
    name,
    size: bootable ? 10 : 20,
    status: 'available',
    volumeType: type,
    bootable,
    host: onArray ? 'sandbox-volume1@cloudbyte#POOL1' : 'sandbox-volume1@lvm#lvm',
    tenantId: project.id,
    userId: user.id,
    created: SEED_TIME,
    updated: SEED_TIME,
    attachments: [],
    metadata: {},
  };
}

/** Creates the array filesystem that backs an array volume (name = volume id without hyphens). */
export function provisionFilesystem(state: SandboxState, volume: SandboxVolume): void {
  if (volume.volumeType.startsWith('cb-')) provisionArrayFilesystem(state.array, volume);
}
