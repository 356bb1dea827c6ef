import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startSandboxCli, type CreatedSet, type SandboxCli, type ServerVolume } from '../helpers/sandbox-cli.js';

/** `ccsnap list` and `ccsnap show` against the sandbox over HTTP (the built CLI, dist/). */

const COLUMNS = ['Instance ID', 'Instance Name', 'Volume ID', 'Snapshot', 'Set ID', 'Label', 'Created', 'Consistency', 'Frozen ms', 'Status', 'Path'];
type Row = Record<string, unknown>;

let cli: SandboxCli;
let web: ServerVolume[];
let db: ServerVolume[];
let setA: CreatedSet;
let setB: CreatedSet;
let setC: CreatedSet;
const FOREIGN = 'manual-backup.1';

beforeAll(async () => {
  cli = await startSandboxCli();
  web = cli.volumes('web-1');
  db = cli.volumes('db-1');
  setA = await cli.createSet('web-1', '--name', 'before upgrade');
  setB = await cli.createSet('web-1');
  setC = await cli.createSet('db-1');
  // Another tool snapshots web-1's data volume; and someone deletes db-1's second snapshot on the array behind ccsnap's back.
  await cli.arrayCall('createStorageSnapshot', { id: web[1]!.fsId, name: FOREIGN });
  await cli.arrayCall('deleteSnapshot', { id: db[1]!.fsId, path: setC.members[1]!.path });
});
afterAll(async () => cli?.close());

function rowsOf(rows: Row[], instance: string): Row[] {
  return rows.filter((r) => r['Instance Name'] === instance);
}

describe('ccsnap list', () => {
  it('exits 0 with nothing on stderr when its reader goes away (ccsnap list | head)', async () => {
    const child = cli.spawn(['list', '-f', 'value']);
    // The reader is gone before the first row: the first write meets a closed pipe (EPIPE).
    child.stdout!.destroy();
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('lists every snapshot of every instance with the eleven columns and a status each (-f json)', async () => {
    const rows = await cli.json<Row[]>(['list']);
    for (const r of rows) expect(Object.keys(r)).toEqual(COLUMNS);
    expect(rows.map((r) => r['Instance Name'])).toEqual(['db-1', 'db-1', 'db-1', 'web-1', 'web-1', 'web-1', 'web-1', 'web-1']);

    const webId = cli.server('web-1').id;
    const set = (s: CreatedSet, i: number, label: string | null, status = 'ok') => ({
      'Instance ID': webId,
      'Instance Name': 'web-1',
      'Volume ID': web[i]!.volumeId,
      Snapshot: s.members[i]!.snapshot,
      'Set ID': s.set_id,
      Label: label,
      Created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      Consistency: 'filesystem-consistent',
      'Frozen ms': s.frozen_ms,
      Status: status,
      Path: s.members[i]!.path,
    });
    expect(rowsOf(rows, 'web-1')).toEqual(
      expect.arrayContaining([
        set(setA, 0, 'before upgrade'),
        set(setA, 1, 'before upgrade'),
        set(setB, 0, null),
        set(setB, 1, null),
        {
          'Instance ID': webId,
          'Instance Name': 'web-1',
          'Volume ID': web[1]!.volumeId,
          Snapshot: FOREIGN,
          'Set ID': null,
          Label: null,
          Created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/),
          Consistency: null,
          'Frozen ms': null,
          Status: 'foreign',
          Path: cli.snapshotPath(web[1]!.fsId, FOREIGN),
        },
      ]),
    );
    // One set shows one time on all its members; newest set first.
    const webRows = rowsOf(rows, 'web-1').filter((r) => r['Set ID']);
    expect(webRows.map((r) => r['Set ID'])).toEqual([setB.set_id, setB.set_id, setA.set_id, setA.set_id]);
    expect(new Set(webRows.filter((r) => r['Set ID'] === setA.set_id).map((r) => r.Created)).size).toBe(1);

    // db-1: member 2 was deleted on the array: the journal still has it (missing-on-array), the others are incomplete.
    expect(rowsOf(rows, 'db-1').map((r) => [r['Volume ID'], r.Snapshot, r['Set ID'], r.Status, r.Path])).toEqual([
      [db[0]!.volumeId, setC.members[0]!.snapshot, setC.set_id, 'incomplete', setC.members[0]!.path],
      [db[1]!.volumeId, setC.members[1]!.snapshot, setC.set_id, 'missing-on-array', setC.members[1]!.path],
      [db[2]!.volumeId, setC.members[2]!.snapshot, setC.set_id, 'incomplete', setC.members[2]!.path],
    ]);
  });

  it('without the journal (a fresh one), ccsnap sets are not-in-journal and journal-only members disappear', async () => {
    const rows = await cli.json<Row[]>(['list'], { journal: join(cli.dir, 'fresh.db') });
    expect(rows.map((r) => [r.Snapshot, r.Status, r.Label, r.Consistency])).toEqual(
      expect.arrayContaining([
        [setA.members[0]!.snapshot, 'not-in-journal', null, null],
        [setB.members[1]!.snapshot, 'not-in-journal', null, null],
        [FOREIGN, 'foreign', null, null],
        [setC.members[0]!.snapshot, 'incomplete', null, null],
      ]),
    );
    expect(rows).toHaveLength(7);
    expect(rows.some((r) => r.Status === 'missing-on-array')).toBe(false);
  });

  it('lists one instance by name or by id: its server, its attachments and volumes, never the whole volume list', async () => {
    const all = await cli.json<Row[]>(['list']);
    const seq = cli.mark();
    const byName = await cli.json<Row[]>(['list', 'web-1']);
    const requests = cli.since(seq);
    expect(byName).toEqual(rowsOf(all, 'web-1'));
    expect(await cli.json<Row[]>(['list', cli.server('web-1').id])).toEqual(byName);
    expect(await cli.json<Row[]>(['list', 'app-1'])).toEqual([]);

    const arrayCommands = requests.filter((e) => e.service === 'array').map((e) => e.command);
    expect(arrayCommands.sort()).toEqual(['listFileSystem', 'listStorageSnapshots', 'listStorageSnapshots']);
    const snapshotLists = requests.filter((e) => e.command === 'listStorageSnapshots').map((e) => new URLSearchParams(e.query).get('id'));
    expect(snapshotLists.sort()).toEqual(web.map((v) => v.fsId).sort());
    // One instance: Cinder's attachments of it and each of its volumes by id, never the cloud's volume list.
    expect(
      requests
        .filter((e) => e.service === 'cinder')
        .map((e) => `${e.method} ${e.path.replace(/\/v3\/\w+\//, '/v3/P/')}`)
        .sort(),
    ).toEqual(['GET /volume/v3/P/attachments', ...web.map((v) => `GET /volume/v3/P/volumes/${v.volumeId}`)].sort());
    expect(requests.filter((e) => e.service === 'hypervisor')).toEqual([]);
  });

  it('for all instances: one server list, one volume list, one listFileSystem, one listStorageSnapshots per array volume', async () => {
    const seq = cli.mark();
    await cli.json<Row[]>(['list']);
    const requests = cli.since(seq);
    const nova = requests.filter((e) => e.service === 'nova');
    expect(nova.map((e) => `${e.method} ${e.path}`)).toEqual(['GET /compute/v2.1/servers/detail']);
    expect(requests.filter((e) => e.service === 'cinder').map((e) => e.path.replace(/\/v3\/\w+\//, '/v3/P/'))).toEqual(['/volume/v3/P/volumes/detail']);
    const array = requests.filter((e) => e.service === 'array');
    expect(array.filter((e) => e.command === 'listFileSystem')).toHaveLength(1);
    const fsIds = array.filter((e) => e.command === 'listStorageSnapshots').map((e) => new URLSearchParams(e.query).get('id'));
    // Every array volume attached to an instance, once: the seed has 10 (lvm and unattached volumes excluded).
    const attached = cli.sandbox.ctx.state.nova.servers.flatMap((s) => cli.volumes(s.name)).map((v) => v.fsId);
    expect(attached).toHaveLength(10);
    expect(fsIds.sort()).toEqual(attached.sort());
    expect(array.filter((e) => e.command !== 'listFileSystem' && e.command !== 'listStorageSnapshots')).toEqual([]);
    expect(requests.filter((e) => e.service === 'hypervisor')).toEqual([]);
  });
});

describe('ccsnap list output formats', () => {
  let rows: Row[];
  beforeAll(async () => {
    rows = await cli.json<Row[]>(['list', 'web-1']);
  });
  const cell = (v: unknown): string => (v === null ? '' : String(v));

  it('-f table: a header with the columns in order and one line per snapshot', async () => {
    const r = await cli.run(['list', 'web-1']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(
      lines[1]!
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    ).toEqual(COLUMNS);
    const body = lines.slice(3, -1).map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
    expect(body.map((b) => b[3])).toEqual(rows.map((x) => x.Snapshot));
    expect(body.map((b) => b[9])).toEqual(rows.map((x) => x.Status));
  });

  it('-f yaml: the same rows as json', async () => {
    const r = await cli.run(['list', 'web-1', '-f', 'yaml']);
    expect(r.code).toBe(0);
    expect(parseYaml(r.stdout)).toEqual(rows);
  });

  it('-f value: the values of each row, space separated', async () => {
    const r = await cli.run(['list', 'web-1', '-f', 'value', '-c', 'Snapshot', '-c', 'Status', '-c', 'Label']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(rows.map((x) => `${String(x.Snapshot)} ${String(x.Status)} ${cell(x.Label)}\n`).join(''));
  });

  it('-f csv: quoted header, one line per snapshot, numbers unquoted', async () => {
    const r = await cli.run(['list', 'web-1', '-f', 'csv', '-c', 'Set ID', '-c', 'Snapshot', '-c', 'Frozen ms', '-c', 'Status']);
    expect(r.code).toBe(0);
    const q = (v: unknown): string => (v === null ? '' : typeof v === 'number' ? String(v) : `"${String(v)}"`);
    expect(r.stdout).toBe(
      ['"Set ID","Snapshot","Frozen ms","Status"', ...rows.map((x) => [x['Set ID'], x.Snapshot, x['Frozen ms'], x.Status].map(q).join(','))].join('\n') + '\n',
    );
  });

  it('every format lists the same snapshots of all instances', async () => {
    const all = await cli.json<Row[]>(['list']);
    const run = async (format: string, ...extra: string[]): Promise<string> => {
      const r = await cli.run(['list', '-f', format, ...extra]);
      expect(r.code).toBe(0);
      return r.stdout;
    };
    expect(parseYaml(await run('yaml'))).toEqual(all);
    expect(await run('value', '-c', 'Path')).toBe(all.map((x) => `${cell(x.Path)}\n`).join(''));
    expect(await run('csv', '-c', 'Snapshot', '-c', 'Status')).toBe(
      ['"Snapshot","Status"', ...all.map((x) => `"${String(x.Snapshot)}","${String(x.Status)}"`)].join('\n') + '\n',
    );
    const table = (await run('table', '-c', 'Instance Name', '-c', 'Snapshot')).trimEnd().split('\n');
    expect(
      table.slice(3, -1).map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      ),
    ).toEqual(all.map((x) => [x['Instance Name'], x.Snapshot]));
  });

  it('-c picks and orders columns in every format', async () => {
    const json = await cli.json<Row[]>(['list', 'web-1', '-c', 'Status', '-c', 'Instance ID']);
    expect(json).toEqual(rows.map((x) => ({ Status: x.Status, 'Instance ID': x['Instance ID'] })));
    const bad = await cli.run(['list', 'web-1', '-f', 'json', '-c', 'Nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ccsnap: error: .*Nope.* \[CCSNAP_USAGE\]\n$/);
  });
});

describe('ccsnap show', () => {
  it('shows a journal set checked against the array: every member, on the array or not', async () => {
    const web0 = await cli.json<Row>(['show', setA.set_id]);
    expect(web0).toMatchObject({
      set_id: setA.set_id,
      instance_id: cli.server('web-1').id,
      instance_name: 'web-1',
      label: 'before upgrade',
      state: 'complete',
      consistency: 'filesystem-consistent',
      frozen_ms: setA.frozen_ms,
      operation_id: expect.any(String),
      members: web.map((v, i) => ({
        volume_id: v.volumeId,
        array: 'sandbox',
        filesystem_id: v.fsId,
        snapshot: setA.members[i]!.snapshot,
        path: setA.members[i]!.path,
        journal: 'created',
        on_array: true,
      })),
    });
    expect((web0.steps as Array<{ step: string }>).map((s) => s.step)).toEqual(expect.arrayContaining(['freeze', 'snapshot', 'thaw']));

    const dbShow = await cli.json<Row>(['show', setC.set_id]);
    expect((dbShow.members as Row[]).map((m) => [m.volume_id, m.journal, m.on_array])).toEqual([
      [db[0]!.volumeId, 'created', true],
      [db[1]!.volumeId, 'created', false],
      [db[2]!.volumeId, 'created', true],
    ]);
  });

  it('shows a set only the array knows (rebuilt from the snapshot names)', async () => {
    const view = await cli.json<Row>(['show', setB.set_id], { journal: join(cli.dir, 'fresh.db') });
    expect(view).toMatchObject({
      set_id: setB.set_id,
      instance_id: cli.server('web-1').id,
      instance_name: 'web-1',
      state: 'not-in-journal',
      label: null,
      consistency: null,
      operation_id: null,
      members: web.map((v, i) => ({
        volume_id: v.volumeId,
        filesystem_id: v.fsId,
        snapshot: setB.members[i]!.snapshot,
        path: setB.members[i]!.path,
        journal: null,
        on_array: true,
      })),
    });
  });

  it('every output format of show carries the same fields', async () => {
    const json = await cli.json<Row>(['show', setA.set_id]);
    const yaml = await cli.run(['show', setA.set_id, '-f', 'yaml']);
    expect(parseYaml(yaml.stdout)).toEqual(json);
    const shell = await cli.run(['show', setA.set_id, '-f', 'shell', '-c', 'set_id', '-c', 'state']);
    expect(shell.stdout).toBe(`set_id="${setA.set_id}"\nstate="complete"\n`);
    const value = await cli.run(['show', setA.set_id, '-f', 'value', '-c', 'instance_name', '-c', 'label']);
    expect(value.stdout).toBe('web-1\nbefore upgrade\n');
  });
});
