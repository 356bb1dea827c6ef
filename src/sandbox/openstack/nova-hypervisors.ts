import type { SandboxContext } from '../context.js';
import { stableUuid } from '../ids.js';
import { atLeast, type Microversion } from './microversion.js';

/** What every sandbox compute host reports (a QEMU 7.2 host, as on Debian 12). */
const HOST = { vcpus: 8, memoryMb: 16384, localGb: 200, reservedMb: 512, type: 'QEMU', version: 7002000 };

/** The compute hosts: every host a server or a libvirt domain is on, sorted by name. */
export function computeHosts(ctx: SandboxContext): string[] {
  const hosts = new Set([...ctx.state.nova.servers.map((s) => s.host), ...ctx.state.hypervisor.domains.map((d) => d.host)]);
  return [...hosts].filter(Boolean).sort();
}

/** The hypervisor id: an integer before 2.53, a UUID from 2.53 on (as Nova). */
export function hypervisorId(ctx: SandboxContext, host: string, v: Microversion): number | string {
  return atLeast(v, '2.53') ? stableUuid(`hypervisor:${host}`) : computeHosts(ctx).indexOf(host) + 1;
}

export function hypervisorSummary(ctx: SandboxContext, host: string, v: Microversion): Record<string, unknown> {
  return { id: hypervisorId(ctx, host, v), hypervisor_hostname: host, state: 'up', status: 'enabled' };
}

/** os-hypervisors/detail body for one compute host; usage figures from the servers on it (dropped in 2.88). */
export function hypervisorDetail(ctx: SandboxContext, host: string, v: Microversion): Record<string, unknown> {
  const servers = ctx.state.nova.servers.filter((s) => s.host === host);
  const flavors = servers.map((s) => ctx.state.nova.flavors.find((f) => f.id === s.flavorId)).filter((f) => f !== undefined);
  const serviceId = atLeast(v, '2.53') ? stableUuid(`nova-compute:${host}`) : computeHosts(ctx).indexOf(host) + 3;
  const body: Record<string, unknown> = {
    ...hypervisorSummary(ctx, host, v),
    host_ip: '127.0.0.1',
    hypervisor_type: HOST.type,
    hypervisor_version: HOST.version,
    service: { host, id: serviceId, disabled_reason: null },
  };
  if (atLeast(v, '2.88')) return { ...body, uptime: null };
  const memoryUsed = HOST.reservedMb + flavors.reduce((sum, f) => sum + f.ram, 0);
  const diskUsed = flavors.reduce((sum, f) => sum + f.disk, 0);
  const cpu = { arch: 'x86_64', model: 'qemu64', vendor: 'AMD', topology: { cells: 1, sockets: 1, cores: HOST.vcpus, threads: 1 }, features: [] };
  return {
    ...body,
    cpu_info: atLeast(v, '2.28') ? cpu : JSON.stringify(cpu),
    current_workload: 0,
    disk_available_least: HOST.localGb - diskUsed,
    free_disk_gb: HOST.localGb - diskUsed,
    free_ram_mb: HOST.memoryMb - memoryUsed,
    local_gb: HOST.localGb,
    local_gb_used: diskUsed,
    memory_mb: HOST.memoryMb,
    memory_mb_used: memoryUsed,
    running_vms: servers.length,
    vcpus: HOST.vcpus,
    vcpus_used: flavors.reduce((sum, f) => sum + f.vcpus, 0),
  };
}
