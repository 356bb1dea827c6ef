import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SERVERS, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';
import { missingClients, runClient, runOk, tableRows } from './run-client.js';

type Json = Record<string, any>;

const SERVER_NAMES = DEMO_SERVERS.map((s) => s.name).sort();

describe('real OpenStack clients against the sandbox', () => {
  let sb: RunningSandbox;
  let volumeNames: string[];
  const id = (name: string) => sb.ctx.state.nova.servers.find((s) => s.name === name)!.id;
  const volumeId = (name: string) => sb.ctx.state.cinder.volumes.find((v) => v.name === name)!.id;

  beforeAll(async () => {
    const missing = missingClients();
    if (missing.length > 0) throw new Error(`missing clients: ${missing.join(', ')}; run scripts/install-openstack-clients.sh`);
    sb = await startSandbox();
    volumeNames = sb.ctx.state.cinder.volumes.map((v) => v.name).sort();
  });
  afterAll(() => sb?.close());

  describe.concurrent('read commands', () => {
    it('openstack server list', async () => {
      const out = await runOk('openstack', ['server', 'list'], sb.url);
      const rows = tableRows(out).slice(1);
      expect(rows.map((r) => r[1]).sort()).toEqual(SERVER_NAMES);
      const web = rows.find((r) => r[1] === 'web-1')!;
      expect(web).toEqual([id('web-1'), 'web-1', 'ACTIVE', '', 'N/A (booted from volume)', 'm1.tiny']);
      expect(rows.find((r) => r[1] === 'stopped-1')![2]).toBe('SHUTOFF');
    });

    it('openstack server list --long --all-projects -f json', async () => {
      const out = JSON.parse(await runOk('openstack', ['server', 'list', '--long', '--all-projects', '-f', 'json'], sb.url)) as Json[];
      expect(out.map((s) => s.Name).sort()).toEqual(SERVER_NAMES);
      const app = out.find((s) => s.Name === 'app-1')!;
      expect(app).toMatchObject({
        ID: id('app-1'),
        Status: 'ACTIVE',
        'Power State': 1,
        Host: 'compute-2',
        'Flavor Name': 'm1.tiny',
        'Image Name': 'N/A (booted from volume)',
      });
    });

    it('openstack server show web-1 (name lookup after a 404)', async () => {
      const out = await runOk('openstack', ['server', 'show', 'web-1'], sb.url);
      const fields = Object.fromEntries(tableRows(out).map((r) => [r[0], r[1]]));
      expect(fields['id']).toBe(id('web-1'));
      expect(fields['OS-EXT-SRV-ATTR:instance_name']).toBe('instance-00000001');
      expect(fields['OS-EXT-SRV-ATTR:host']).toBe('compute-1');
      expect(fields['flavor']).toBe('m1.tiny (1)');
      expect(out).toContain(volumeId('web-1-data1'));
    });

    it('openstack --os-compute-api-version 2.79 server show -f json', async () => {
      const out = JSON.parse(await runOk('openstack', ['--os-compute-api-version', '2.79', 'server', 'show', 'db-1', '-f', 'json'], sb.url)) as Json;
      expect(out).toMatchObject({ name: 'db-1', status: 'ACTIVE', 'OS-EXT-SRV-ATTR:hostname': 'db-1', 'OS-EXT-SRV-ATTR:host': 'compute-1' });
      expect(out.flavor).toMatchObject({ original_name: 'm1.tiny', vcpus: 1, ram: 512 });
      expect(JSON.stringify(out.volumes_attached)).toContain(volumeId('db-1-data2'));
    });

    it('openstack volume list --long', async () => {
      const out = await runOk('openstack', ['volume', 'list', '--long'], sb.url);
      const rows = tableRows(out).slice(1);
      expect(rows.map((r) => r[1]).sort()).toEqual(volumeNames);
      const boot = rows.find((r) => r[1] === 'web-1-boot')!;
      expect(boot.slice(0, 7)).toEqual([volumeId('web-1-boot'), 'web-1-boot', 'in-use', '10', 'cb-ssd', 'true', 'Attached to web-1 on /dev/vda']);
      expect(rows.find((r) => r[1] === 'spare-data')!.slice(2, 7)).toEqual(['available', '20', 'cb-hdd', 'false', '']);
    });

    it('openstack volume list --long -f json and volume show by name', async () => {
      const list = JSON.parse(await runOk('openstack', ['volume', 'list', '--long', '-f', 'json'], sb.url)) as Json[];
      expect(list.map((v) => v.Name).sort()).toEqual(volumeNames);
      const show = JSON.parse(await runOk('openstack', ['volume', 'show', 'legacy-1-boot', '-f', 'json'], sb.url)) as Json;
      expect(show).toMatchObject({ id: volumeId('legacy-1-boot'), type: 'lvm-standard', bootable: 'true', 'os-vol-host-attr:host': 'sandbox-volume1@lvm#lvm' });
    });

    it('openstack flavor list, volume type list and token issue', async () => {
      const flavors = JSON.parse(await runOk('openstack', ['flavor', 'list', '-f', 'json'], sb.url)) as Json[];
      expect(flavors.map((f) => f.Name)).toEqual(['m1.tiny', 'm1.small']);
      const types = JSON.parse(await runOk('openstack', ['volume', 'type', 'list', '-f', 'json'], sb.url)) as Json[];
      expect(types.map((t) => t.Name).sort()).toEqual(['cb-hdd', 'cb-ssd', 'lvm-standard']);
      const token = JSON.parse(await runOk('openstack', ['token', 'issue', '-f', 'json'], sb.url)) as Json;
      expect(token.project_id).toBe(sb.ctx.state.keystone.projects[0]!.id);
      expect(token.user_id).toBe(sb.ctx.state.keystone.users[0]!.id);
    });

    it('nova list', async () => {
      const res = await runClient('nova', ['list'], sb.url);
      expect(res.code).toBe(0);
      const rows = tableRows(res.stdout).slice(1);
      expect(rows.map((r) => r[1]).sort()).toEqual(SERVER_NAMES);
      expect(rows.find((r) => r[1] === 'stopped-1')!.slice(2, 5)).toEqual(['SHUTOFF', '-', 'Shutdown']);
      expect(rows.find((r) => r[1] === 'web-1')!.slice(0, 5)).toEqual([id('web-1'), 'web-1', 'ACTIVE', '-', 'Running']);
    });

    it('nova show <id> and nova show <name>', async () => {
      for (const ref of [id('win-1'), 'win-1']) {
        const out = await runOk('nova', ['show', ref], sb.url);
        const fields = Object.fromEntries(tableRows(out).map((r) => [r[0], r[1]]));
        expect(fields['id']).toBe(id('win-1'));
        expect(fields['name']).toBe('win-1');
        expect(fields['OS-EXT-SRV-ATTR:host']).toBe('compute-2');
        expect(fields['status']).toBe('ACTIVE');
        expect(out).toContain(volumeId('win-1-boot'));
      }
    });

    it('cinder list --all-tenants (3.70 columns incl. Consumes Quota)', async () => {
      const out = await runOk('cinder', ['list', '--all-tenants'], sb.url);
      const [header, ...rows] = tableRows(out);
      expect(header).toEqual(['ID', 'Tenant ID', 'Status', 'Name', 'Size', 'Consumes Quota', 'Volume Type', 'Bootable', 'Attached to']);
      expect(rows.map((r) => r[3]).sort()).toEqual(volumeNames);
      const data = rows.find((r) => r[3] === 'db-1-data1')!;
      expect(data).toEqual([
        volumeId('db-1-data1'),
        sb.ctx.state.keystone.projects[0]!.id,
        'in-use',
        'db-1-data1',
        '20',
        'True',
        'cb-ssd',
        'false',
        id('db-1'),
      ]);
    });

    it('cinder list --fields, cinder show <name>, cinder type-list', async () => {
      const fields = tableRows(await runOk('cinder', ['list', '--fields', 'name,volume_type,bootable'], sb.url));
      expect(fields[0]).toEqual(['ID', 'Name', 'Volume_Type', 'Bootable']);
      expect(
        fields
          .slice(1)
          .map((r) => r[1])
          .sort(),
      ).toEqual(volumeNames);
      const show = Object.fromEntries(tableRows(await runOk('cinder', ['show', 'app-1-boot'], sb.url)).map((r) => [r[0], r[1]]));
      expect(show['id']).toBe(volumeId('app-1-boot'));
      expect(show['os-vol-host-attr:host']).toBe('sandbox-volume1@cloudbyte#POOL1');
      const types = tableRows(await runOk('cinder', ['type-list'], sb.url));
      expect(
        types
          .slice(1)
          .map((r) => r[1])
          .sort(),
      ).toEqual(['cb-hdd', 'cb-ssd', 'lvm-standard']);
    });

    it('openstack volume snapshot list and cinder snapshot-list: Cinder snapshots (none in the demo cloud)', async () => {
      expect(JSON.parse(await runOk('openstack', ['volume', 'snapshot', 'list', '-f', 'json'], sb.url))).toEqual([]);
      expect(JSON.parse(await runOk('openstack', ['volume', 'snapshot', 'list', '--long', '-f', 'json'], sb.url))).toEqual([]);
      const [header, ...rows] = tableRows(await runOk('cinder', ['snapshot-list'], sb.url));
      expect(header).toEqual(['ID', 'Volume ID', 'Status', 'Name', 'Size', 'Consumes Quota', 'User ID']);
      expect(rows).toEqual([]);
    });

    it('openstack hypervisor list (--long) and nova hypervisor-list: the compute hosts', async () => {
      const list = JSON.parse(await runOk('openstack', ['hypervisor', 'list', '--long', '-f', 'json'], sb.url)) as Json[];
      expect(list.map((h) => [h.ID, h['Hypervisor Hostname'], h['Hypervisor Type'], h.State])).toEqual([
        [1, 'compute-1', 'QEMU', 'up'],
        [2, 'compute-2', 'QEMU', 'up'],
      ]);
      const onCompute2 = sb.ctx.state.nova.servers.filter((s) => s.host === 'compute-2').length;
      expect(list[1]).toMatchObject({ 'vCPUs Used': onCompute2, vCPUs: 8 });
      const nova = tableRows(await runOk('nova', ['hypervisor-list'], sb.url));
      expect(nova[0]).toEqual(['ID', 'Hypervisor hostname', 'State', 'Status']);
      expect(nova.slice(1).map((r) => r.slice(1))).toEqual([
        ['compute-1', 'up', 'enabled'],
        ['compute-2', 'up', 'enabled'],
      ]);
    });

    it('openstack project list', async () => {
      const projects = JSON.parse(await runOk('openstack', ['project', 'list', '-f', 'json'], sb.url)) as Json[];
      expect(projects).toEqual(sb.ctx.state.keystone.projects.map((p) => ({ ID: p.id, Name: p.name })));
    });

    it('openstack server event list (--long) and nova instance-action-list', async () => {
      const events = JSON.parse(await runOk('openstack', ['server', 'event', 'list', 'win-1', '--long', '-f', 'json'], sb.url)) as Json[];
      expect(events).toEqual([
        expect.objectContaining({
          'Server ID': id('win-1'),
          Action: 'create',
          'Request ID': expect.stringMatching(/^req-/),
          'Project ID': sb.ctx.state.keystone.projects[0]!.id,
        }),
      ]);
      const nova = tableRows(await runOk('nova', ['instance-action-list', 'win-1'], sb.url));
      expect(nova[0]).toEqual(['Action', 'Request_ID', 'Message', 'Start_Time', 'Updated_At']);
      expect(nova.slice(1).map((r) => r[0])).toEqual(['create']);
    });

    it('openstack volume service list and cinder service-list', async () => {
      const services = JSON.parse(await runOk('openstack', ['volume', 'service', 'list', '-f', 'json'], sb.url)) as Json[];
      expect(services.map((s) => [s.Binary, s.Host, s.Zone, s.Status, s.State])).toEqual([
        ['cinder-scheduler', 'sandbox-volume1', 'nova', 'enabled', 'up'],
        ['cinder-volume', 'sandbox-volume1@cloudbyte', 'nova', 'enabled', 'up'],
        ['cinder-volume', 'sandbox-volume1@lvm', 'nova', 'enabled', 'up'],
      ]);
      const [header, ...rows] = tableRows(await runOk('cinder', ['service-list'], sb.url));
      expect(header).toEqual(['Binary', 'Host', 'Zone', 'Status', 'State', 'Updated_at', 'Cluster', 'Disabled Reason', 'Backend State']);
      expect(rows.map((r) => r[8])).toEqual(['', 'up', 'up']);
    });

    it('a wrong password fails cleanly', async () => {
      const res = await runClient('openstack', ['server', 'list'], sb.url, { OS_PASSWORD: 'wrong' });
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain('The request you have made requires authentication. (HTTP 401)');
    });
  });

  describe('what the clients sent', () => {
    it('hit no unimplemented or failing route', () => {
      const bad = sb.ctx.transcript.list().filter((e) => (e.status ?? 0) >= 500 || e.service === 'unknown');
      expect(bad.map((e) => `${e.service} ${e.method} ${e.path}${e.query} -> ${e.status}`)).toEqual([]);
      const notFound = sb.ctx.transcript
        .list()
        .filter((e) => e.status === 404)
        .map((e) => e.path.split('/').at(-1));
      // OSC tries by id first and falls back to ?name= on 404; nova show and cinder show go straight to ?name=.
      expect(new Set(notFound)).toEqual(new Set(['web-1', 'db-1', 'legacy-1-boot', 'win-1']));
    });
  });
});

describe('real clients drive os-stop / os-start', () => {
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await startSandbox();
    sb.ctx.state.nova.powerDelayMs = 300;
  });
  afterAll(() => sb?.close());

  async function waitStatus(name: string, status: string): Promise<Json> {
    for (let i = 0; i < 20; i++) {
      const show = JSON.parse(await runOk('openstack', ['server', 'show', name, '-f', 'json'], sb.url)) as Json;
      if (show.status === status && show['OS-EXT-STS:task_state'] === null) return show;
    }
    throw new Error(`${name} never reached ${status}`);
  }

  it('openstack server stop, nova start, and a 409 for stopping a stopped server', async () => {
    const server = sb.ctx.state.nova.servers.find((s) => s.name === 'db-1')!;
    const domain = sb.ctx.state.hypervisor.domains.find((d) => d.name === server.instanceName)!;
    await runOk('openstack', ['server', 'stop', 'db-1'], sb.url);
    const stopped = await waitStatus('db-1', 'SHUTOFF');
    expect(stopped['OS-EXT-STS:power_state']).toBe(4);
    expect(domain.state).toBe('shut off');

    const again = await runClient('nova', ['stop', 'db-1'], sb.url);
    expect(again.code).not.toBe(0);
    expect(again.stdout + again.stderr).toContain(`Cannot 'stop' instance ${server.id} while it is in vm_state stopped (HTTP 409)`);

    const start = await runOk('nova', ['start', 'db-1'], sb.url);
    expect(start).toContain('Request to start server db-1 has been accepted.');
    await waitStatus('db-1', 'ACTIVE');
    expect(domain.state).toBe('running');

    // Both actions are in the server's event list, newest first, each with its finished compute event.
    const events = JSON.parse(await runOk('openstack', ['server', 'event', 'list', 'db-1', '-f', 'json'], sb.url)) as Json[];
    expect(events.map((e) => e.Action)).toEqual(['start', 'stop', 'create']);
    const stopEvent = JSON.parse(await runOk('openstack', ['server', 'event', 'show', 'db-1', events[1]!['Request ID'], '-f', 'json'], sb.url)) as Json;
    expect(stopEvent).toMatchObject({ action: 'stop', instance_uuid: server.id });
    expect(JSON.stringify(stopEvent.events)).toContain('compute_stop_instance');
    expect(JSON.stringify(stopEvent.events)).toContain('Success');
  });
});

describe('real clients read a Cinder snapshot the sandbox holds', () => {
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await startSandbox();
    const volume = sb.ctx.state.cinder.volumes.find((v) => v.name === 'spare-data')!;
    sb.ctx.state.cinder.snapshots = [
      {
        id: '0b8f8b5e-5d1a-4b0e-9a51-3f0c4d1e2a10',
        name: 'spare-snap',
        description: 'made with cinder',
        status: 'available',
        size: volume.size,
        volumeId: volume.id,
        tenantId: volume.tenantId,
        userId: volume.userId,
        created: '2026-11-02T08:00:00.000000',
        updated: '2026-11-02T08:00:01.000000',
        metadata: { k: 'v' },
      },
    ];
  });
  afterAll(() => sb?.close());

  it('openstack volume snapshot list --long and cinder snapshot-list show it with its fields', async () => {
    const volume = sb.ctx.state.cinder.volumes.find((v) => v.name === 'spare-data')!;
    const list = JSON.parse(await runOk('openstack', ['volume', 'snapshot', 'list', '--long', '-f', 'json'], sb.url)) as Json[];
    expect(list).toEqual([
      {
        ID: '0b8f8b5e-5d1a-4b0e-9a51-3f0c4d1e2a10',
        Name: 'spare-snap',
        Description: 'made with cinder',
        Status: 'available',
        Size: volume.size,
        // -f json prints the volume id (OSC's column is machine-readable there); the table shows the volume's name.
        'Created At': '2026-11-02T08:00:00.000000',
        Volume: volume.id,
        Properties: { k: 'v' },
      },
    ]);
    const table = tableRows(await runOk('openstack', ['volume', 'snapshot', 'list', '--long'], sb.url));
    expect(table[1]!.slice(1, 7)).toEqual(['spare-snap', 'made with cinder', 'available', String(volume.size), '2026-11-02T08:00:00.000000', 'spare-data']);
    const rows = tableRows(await runOk('cinder', ['snapshot-list'], sb.url)).slice(1);
    expect(rows).toEqual([['0b8f8b5e-5d1a-4b0e-9a51-3f0c4d1e2a10', volume.id, 'available', 'spare-snap', String(volume.size), 'True', volume.userId]]);
  });
});

describe('ccsnap rollback shows in openstack server event list', () => {
  let cli: SandboxCli;
  beforeAll(async () => {
    cli = await startSandboxCli();
  });
  afterAll(async () => cli?.close());

  it("the rollback's stop and start are the newest two actions of the instance", async () => {
    const set = await cli.createSet('web-1');
    const r = await cli.run(['rollback', 'web-1', set.set_id, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const events = JSON.parse(await runOk('openstack', ['server', 'event', 'list', 'web-1', '-f', 'json'], cli.url)) as Json[];
    expect(events.map((e) => e.Action)).toEqual(['start', 'stop', 'create']);
  });
});
