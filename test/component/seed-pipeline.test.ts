import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElastiCenterClient } from '../../src/array/client.js';
import { resolveFilesystems } from '../../src/array/mapping.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';

/**
 * The seed blog post's Task 1 Step 3, kept in its shape: curl config + key files, listFileSystem piped
 * through trentm's json and awk into createStorageSnapshot. The only change from the post is that the
 * filesystem name comes from $FSNAME instead of being typed into the awk program.
 */
const SEED_TASK1_STEP3 = `set -o pipefail
curl -K ec127.0.0.1 \\
    -d @eckey127.0.0.1 -G -k -s -S \\
    -d command=listFileSystem \\
  | json listFilesystemResponse.filesystem \\
  | json -a id name \\
  | awk '$2==ENVIRON["FSNAME"] {print "id="$1}' \\
  | curl -K ec127.0.0.1 \\
    -d @eckey127.0.0.1 -G -k -s -S \\
    -d command=createStorageSnapshot \\
    -d name=mysnappy2 \\
    -d @- \\
  | json createStorageSnapshotResponse.StorageSnapshot \\
  | json -a id name
`;

const JSON_BIN_DIR = resolve('node_modules/.bin');
const HAVE_TOOLS = existsSync('/usr/bin/curl') || existsSync('/bin/curl');

let sandbox: RunningSandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), 'ccsnap-seed-'));
  await writeFile(join(dir, 'ec127.0.0.1'), `url=${sandbox.url}/client/api\n`);
  await writeFile(join(dir, 'eckey127.0.0.1'), `apiKey=${sandbox.ctx.state.array.apiKey}&response=json\n`, { mode: 0o600 });
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the seed post's own pipeline against the sandbox array", () => {
  it.skipIf(!HAVE_TOOLS)('Task 1 Step 3 finds the same filesystem as resolveFilesystems and creates the snapshot', async () => {
    const volume = sandbox.ctx.state.cinder.volumes.find((v) => v.volumeType.startsWith('cb-') && v.bootable)!;
    const fsName = volume.id.replace(/-/g, '');
    const env = {
      PATH: `${JSON_BIN_DIR}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      HOME: dir,
      FSNAME: fsName,
      NO_PROXY: '*',
      no_proxy: '*',
    };
    const { stdout } = await promisify(execFile)('bash', ['-c', SEED_TASK1_STEP3], { cwd: dir, env, timeout: 20_000 });
    const [snapshotId, snapshotName] = stdout.trim().split(/\s+/);
    expect(snapshotName).toBe('mysnappy2');

    const client = createElastiCenterClient({ url: `${sandbox.url}/client/api`, apiKey: sandbox.ctx.state.array.apiKey, name: 'seed' });
    try {
      const fs = (await resolveFilesystems(client, [volume.id])).get(volume.id)!;
      const created = sandbox.ctx.transcript.list().filter((e) => e.command === 'createStorageSnapshot');
      expect(created).toHaveLength(1);
      expect(new URLSearchParams(created[0]!.query).get('id')).toBe(fs.id);
      const record = sandbox.ctx.state.array.snapshots.find((s) => s.name === 'mysnappy2')!;
      expect(record).toMatchObject({ id: snapshotId, fsId: fs.id });
      const snap = await client.findSnapshot({ fsId: fs.id, name: 'mysnappy2' });
      expect(snap?.path).toBe(`POOL1/OPENSTACK_ACCOPENSTACK_VSM/${fsName}@mysnappy2`);
    } finally {
      await client.close();
    }
  });
});
