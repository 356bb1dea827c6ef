import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElastiCenterClient } from '../../src/array/client.js';
import { attachImage } from '../../src/sandbox/array/plugin.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';

/** The emulator's wire format, checked with raw HTTP (no ccsnap client in between). */
let sandbox: RunningSandbox;
let key: string;

async function get(query: string): Promise<{ status: number; headers: Headers; text: string; json: () => Record<string, Record<string, unknown>> }> {
  const res = await fetch(`${sandbox.url}/client/api?${query}`);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, Record<string, unknown>> };
}

function fsId(index: number): string {
  return sandbox.ctx.state.array.filesystems[index]!.id;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  key = encodeURIComponent(sandbox.ctx.state.array.apiKey);
});
afterAll(async () => {
  await sandbox.close();
});

describe('sandbox ElastiCenter wire format', () => {
  it('401 uses the command response key, the reference body, and X-Description', async () => {
    const r = await get('command=listTsm&apiKey=nope&response=json');
    expect(r.status).toBe(401);
    expect(r.json()).toEqual({
      listTsmResponse: { uuidList: [], errorcode: 401, errortext: 'unable to verify user credentials and/or request signature', licensetype: 'trial' },
    });
    expect(r.headers.get('x-description')).toBe('unable to verify user credentials and/or request signature');
  });

  it('432 answers errorresponse for an unknown (or wrongly cased) command', async () => {
    for (const command of ['listUserss', 'liststoragesnapshots']) {
      const r = await get(`command=${command}&apiKey=${key}&response=json`);
      expect(r.status).toBe(432);
      expect(r.json()).toEqual({ errorresponse: { uuidList: [], errorcode: 432, errortext: 'The given command does not exist', licensetype: 'trial' } });
    }
  });

  it('431 for a missing parameter, with the lowercased response key in the text', async () => {
    const r = await get(`command=rollbackToSnapshot&apiKey=${key}&response=json&id=${fsId(0)}`);
    expect(r.status).toBe(431);
    expect(r.json().rollbacktoshotresponse!.errortext).toBe('Unable to execute API command rollbacktoshot due to missing parameter path');
    const l = await get(`command=listStorageSnapshots&apiKey=${key}&response=json`);
    expect(l.json().listDatasetSnapshotsResponse!.errortext).toBe('Unable to execute API command listdatasetsnapshots due to missing parameter id');
  });

  it('answers empty lists as {} and uses the irregular keys', async () => {
    const snaps = await get(`command=listStorageSnapshots&apiKey=${key}&response=json&id=${fsId(0)}`);
    expect(snaps.json()).toEqual({ listDatasetSnapshotsResponse: {} });
    const fss = await get(`command=listFileSystem&apiKey=${key}&response=json&tsmid=none`);
    expect(fss.json()).toEqual({ listFilesystemResponse: {} });
    const create = await get(`command=createStorageSnapshot&apiKey=${key}&response=json&id=${fsId(0)}&name=k1`);
    const body = create.json().createStorageSnapshotResponse!.StorageSnapshot as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['id', 'lunid', 'lunusn', 'name', 'scsiEnabled', 'usn']);
    expect(body.lunid).toBe(fsId(0));
    expect(body.usn).toBe(String(body.id).replace(/-/g, ''));
    const list = await get(`command=listStorageSnapshots&apiKey=${key}&response=json&id=${fsId(0)}`);
    const item = (list.json().listDatasetSnapshotsResponse!.snapshot as Array<Record<string, unknown>>)[0]!;
    expect(item).not.toHaveProperty('id');
    expect(item).toMatchObject({ name: 'k1', clones: 0, poolTakeOver: 'noTakeOver', type: 'instant' });
    const del = await get(`command=deleteSnapshot&apiKey=${key}&response=json&id=${fsId(0)}&path=${encodeURIComponent(String(item.path))}`);
    expect(del.json()).toEqual({ deleteSnapshotResponse: { DeleteSnapshot: { status: 'success' } } });
    const again = await get(`command=deleteSnapshot&apiKey=${key}&response=json&id=${fsId(0)}&name=k1`);
    expect(again.status).toBe(431);
    expect(again.json().deleteSnapshotResponse!.errortext).toBe('could not find any snapshots to destroy; check snapshot names.');
  });

  it('matches parameter names case-insensitively and decodes raw or encoded paths', async () => {
    const id = fsId(1);
    expect((await get(`command=createStorageSnapshot&apikey=${key}&RESPONSE=json&ID=${id}&Name=ci1`)).status).toBe(200);
    const fsName = sandbox.ctx.state.array.filesystems[1]!.name;
    const raw = `POOL1/OPENSTACK_ACCOPENSTACK_VSM/${fsName}@ci1`;
    const rb = await get(`command=rollbackToSnapshot&apiKey=${key}&response=json&id=${id}&path=${raw}`);
    expect(rb.json()).toEqual({ rollbacktoshotresponse: { Rollback: {} } });
    const del = await get(`command=deleteSnapshot&apiKey=${key}&response=json&id=${id}&path=${encodeURIComponent(raw)}`);
    expect(del.status).toBe(200);
  });

  it('answers XML without response=json', async () => {
    const r = await get(`command=listTsm&apiKey=nope`);
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toContain('text/xml');
    expect(r.text).toContain('<?xml version="1.0" encoding="ISO-8859-1"?>');
    expect(r.text).toContain('<listTsmResponse cloud-stack-version="1.4.0.897">');
    expect(r.text).toContain('<errorcode>401</errorcode>');
    const ok = await get(`command=listAccount&apiKey=${key}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('<name>OPENSTACK_ACC</name>');
  });

  it('snapshots and deletes by name across a TSM when id is its datasetid', async () => {
    const tsm = sandbox.ctx.state.array.tsms[0]!;
    const r = await get(`command=createStorageSnapshot&apiKey=${key}&response=json&id=${tsm.datasetId}&name=tsmwide`);
    expect(r.status).toBe(200);
    const count = sandbox.ctx.state.array.filesystems.filter((f) => f.tsmId === tsm.id).length;
    expect(sandbox.ctx.state.array.snapshots.filter((s) => s.name === 'tsmwide')).toHaveLength(count);
    expect((await get(`command=deleteSnapshot&apiKey=${key}&response=json&id=${tsm.datasetId}&name=tsmwide`)).status).toBe(200);
    expect(sandbox.ctx.state.array.snapshots.filter((s) => s.name === 'tsmwide')).toHaveLength(0);
  });

  it("'destroy-newer' destroys newer snapshots on rollback; 'keep-newer' keeps them", async () => {
    const client = createElastiCenterClient({ url: `${sandbox.url}/client/api`, apiKey: sandbox.ctx.state.array.apiKey });
    try {
      const id = fsId(2);
      for (const n of ['p1', 'p2', 'p3']) await client.createStorageSnapshot({ fsId: id, name: n });
      const [p1, p2] = await client.listStorageSnapshots({ fsId: id });
      sandbox.ctx.state.array.rollbackPolicy = 'keep-newer';
      await client.rollbackToSnapshot({ fsId: id, path: p2!.path });
      expect((await client.listStorageSnapshots({ fsId: id })).map((s) => s.name)).toEqual(['p1', 'p2', 'p3']);
      sandbox.ctx.state.array.rollbackPolicy = 'destroy-newer';
      await client.rollbackToSnapshot({ fsId: id, path: p1!.path });
      expect((await client.listStorageSnapshots({ fsId: id })).map((s) => s.name)).toEqual(['p1']);
    } finally {
      sandbox.ctx.state.array.rollbackPolicy = 'newest-only';
      await client.close();
    }
  });
});

describe('file-backed mode', () => {
  it('copies the image into a snapshot, restores it on rollback, and removes the copy on delete', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ccsnap-array-data-'));
    const fb = await startSandbox({ dataDir });
    const client = createElastiCenterClient({ url: `${fb.url}/client/api`, apiKey: fb.ctx.state.array.apiKey });
    try {
      const fs = fb.ctx.state.array.filesystems[0]!;
      const image = join(dataDir, 'disk.img');
      await writeFile(image, 'before');
      attachImage(fb.ctx.state.array, fs.id, image);
      await client.createStorageSnapshot({ fsId: fs.id, name: 'img1' });
      const record = fb.ctx.state.array.snapshots.find((s) => s.name === 'img1')!;
      expect(await readFile(record.imagePath!, 'utf8')).toBe('before');
      await writeFile(image, 'after');
      const snap = (await client.findSnapshot({ fsId: fs.id, name: 'img1' }))!;
      await client.rollbackToSnapshot({ fsId: fs.id, path: snap.path });
      expect(await readFile(image, 'utf8')).toBe('before');
      await client.deleteSnapshot({ fsId: fs.id, path: snap.path });
      await expect(stat(record.imagePath!)).rejects.toThrow();
    } finally {
      await client.close();
      await fb.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
