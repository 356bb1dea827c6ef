import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createElastiCenterClient } from '../../../src/array/client.js';
import type { ElastiCenterClient } from '../../../src/array/types.js';
import type { CcsnapError } from '../../../src/errors.js';
import { skipWithout } from '../../helpers/software.js';
import { rejectionOf } from '../../helpers/rejection.js';

/** Every failure here must keep the array's API key out of its message and details. */
const failure = (p: Promise<unknown>): Promise<CcsnapError> => rejectionOf(p, { secrets: [KEY] });

/** Client behaviour the sandbox cannot show: odd bodies, X-Description, resets, TLS. A scripted server on loopback. */
const KEY = 'k3y/with+odd&chars=1';
type Script = (q: URLSearchParams, req: IncomingMessage, res: ServerResponse) => void;
let script: Script;
let seen: string[] = [];
let server: Server;
let client: ElastiCenterClient;

function listen(s: Server): Promise<string> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(String((s.address() as AddressInfo).port))));
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body);
}

beforeAll(async () => {
  server = createHttpServer((req, res) => {
    seen.push(req.url ?? '');
    script(new URL(req.url ?? '/', 'http://x').searchParams, req, res);
  });
  const port = await listen(server);
  client = createElastiCenterClient({ url: `http://127.0.0.1:${port}/client/api`, apiKey: KEY, name: 'fake', timeoutMs: 2_000 });
});
afterEach(() => {
  seen = [];
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('request encoding', () => {
  it('sends GET with command, percent-encoded params, apiKey and response=json', async () => {
    script = (_q, _req, res) => send(res, 200, '{"rollbacktoshotresponse":{"Rollback":{}}}');
    await client.rollbackToSnapshot({ fsId: 'f-1', path: 'POOL1/ACCTSM/fs@snap_1' });
    expect(seen).toEqual([`/client/api?command=rollbackToSnapshot&id=f-1&path=POOL1%2FACCTSM%2Ffs%40snap_1&apiKey=${encodeURIComponent(KEY)}&response=json`]);
  });
});

describe('error answers', () => {
  it('a non-JSON error body falls back to the X-Description header', async () => {
    script = (_q, _req, res) =>
      send(res, 431, '<html>Bad Request</html>', {
        'Content-Type': 'text/html',
        'X-Description': 'Unable to execute API command createstoragesnapshot due to missing parameter name',
      });
    const err = await failure(client.listTsm());
    expect(err.code).toBe('CCSNAP_ARRAY_PARAM');
    expect(err.details).toMatchObject({ status: 431, errortext: 'Unable to execute API command createstoragesnapshot due to missing parameter name' });
  });

  it('a non-JSON error body without X-Description keeps the raw text', async () => {
    script = (_q, _req, res) => send(res, 503, 'Service Unavailable', { 'Content-Type': 'text/plain' });
    const err = await failure(client.listAccount());
    expect(err.code).toBe('CCSNAP_ARRAY_INTERNAL');
    expect(err.details).toMatchObject({ status: 503, errortext: 'Service Unavailable' });
  });

  it('a 200 answer carrying errorcode is an error too', async () => {
    script = (_q, _req, res) => send(res, 200, '{"listTsmResponse":{"uuidList":[],"errorcode":530,"errortext":"boom","licensetype":"trial","success":false}}');
    const err = await failure(client.listTsm());
    expect(err.code).toBe('CCSNAP_ARRAY_INTERNAL');
    expect(err.details).toMatchObject({ status: 200, errorcode: 530, errortext: 'boom' });
  });

  it('redacts the API key if the array echoes it', async () => {
    script = (q, _req, res) =>
      send(res, 401, JSON.stringify({ listAccountResponse: { uuidList: [], errorcode: 401, errortext: `bad key ${q.get('apiKey')}`, licensetype: 'trial' } }));
    const err = await failure(client.listAccount());
    expect(err.code).toBe('CCSNAP_ARRAY_AUTH');
    expect(err.details.errortext).toBe('bad key ***');
  });

  it('a 200 answer without the expected response key is CCSNAP_ARRAY_BAD_RESPONSE', async () => {
    script = (_q, _req, res) => send(res, 200, '{"somethingElse":{}}');
    expect((await failure(client.listAccount())).code).toBe('CCSNAP_ARRAY_BAD_RESPONSE');
  });

  it('reads newer snapshot paths out of a multi-line ZFS rollback refusal', async () => {
    const text =
      "cannot rollback to 'P/AT/fs@a': more recent snapshots or bookmarks exist\nuse '-r' to force deletion of the following snapshots and bookmarks:\nP/AT/fs@b\nP/AT/fs@c";
    script = (_q, _req, res) =>
      send(res, 530, JSON.stringify({ rollbacktoshotresponse: { uuidList: [], errorcode: 530, errortext: text, licensetype: 'trial' } }));
    const err = await failure(client.rollbackToSnapshot({ fsId: 'f', path: 'P/AT/fs@a' }));
    expect(err.code).toBe('CCSNAP_NEWER_SNAPSHOTS');
    expect(err.details.newer).toEqual(['P/AT/fs@b', 'P/AT/fs@c']);
    expect(err.message).not.toContain('\n');
  });
});

describe('connection resets', () => {
  it('a create whose connection is reset is reconciled by listing, not re-sent', async () => {
    script = (q, req, res) => {
      if (q.get('command') === 'createStorageSnapshot') return void req.socket.destroy();
      send(
        res,
        200,
        JSON.stringify({
          listDatasetSnapshotsResponse: { count: 1, snapshot: [{ name: 'cs1', path: 'P/AT/fs@cs1', clones: 0, timestamp: 'Thu Aug 25 2016 10:55' }] },
        }),
      );
    };
    const created = await client.createStorageSnapshot({ fsId: 'f', name: 'cs1' });
    expect(created).toEqual({ fsId: 'f', name: 'cs1', id: null, path: 'P/AT/fs@cs1', reconciled: true });
    expect(seen.map((u) => new URL(u, 'http://x').searchParams.get('command'))).toEqual(['createStorageSnapshot', 'listStorageSnapshots']);
  });

  it('reads are retried after a reset; mutations are not', async () => {
    let lists = 0;
    script = (q, req, res) => {
      if (q.get('command') === 'listFileSystem' && lists++ === 0) return void req.socket.destroy();
      if (q.get('command') === 'deleteSnapshot') return void req.socket.destroy();
      send(res, 200, JSON.stringify({ listFilesystemResponse: { count: 1, filesystem: [{ id: 'f', name: 'n', Tsmid: 't' }] } }));
    };
    expect(await client.listFileSystems()).toEqual([{ id: 'f', name: 'n', tsmId: 't' }]);
    expect(lists).toBe(2);
    seen = [];
    const err = await failure(client.deleteSnapshot({ fsId: 'f', path: 'P/AT/fs@x' }));
    expect(err.code).toBe('CCSNAP_ARRAY_CONNECTION_RESET');
    expect(seen).toHaveLength(1);
  });
});

const HAVE_OPENSSL = existsSync('/usr/bin/openssl');

describe.skipIf(skipWithout(HAVE_OPENSSL, 'openssl'))('TLS', () => {
  let dir: string;
  let httpsServer: Server;
  let url: string;
  let certFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccsnap-tls-'));
    certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    httpsServer = createHttpsServer({ key: await readFile(keyFile), cert: await readFile(certFile) }, (_req, res) =>
      send(res, 200, '{"listAccountResponse":{}}'),
    );
    url = `https://127.0.0.1:${await listen(httpsServer)}/client/api`;
  });
  afterAll(async () => {
    httpsServer.closeAllConnections();
    await new Promise((r) => httpsServer.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies by default (self-signed → CCSNAP_ARRAY_TLS), trusts a given CA, and skips checks only when insecure', async () => {
    const strict = createElastiCenterClient({ url, apiKey: KEY });
    const withCa = createElastiCenterClient({ url, apiKey: KEY, cacert: certFile });
    const insecure = createElastiCenterClient({ url, apiKey: KEY, insecure: true });
    try {
      expect((await failure(strict.listAccount())).code).toBe('CCSNAP_ARRAY_TLS');
      expect(await withCa.listAccount()).toEqual([]);
      expect(await insecure.listAccount()).toEqual([]);
    } finally {
      await Promise.all([strict.close(), withCa.close(), insecure.close()]);
    }
  });
});
