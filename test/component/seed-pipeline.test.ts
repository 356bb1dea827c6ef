import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElastiCenterClient } from '../../src/array/client.js';
import { resolveFilesystems } from '../../src/array/mapping.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { HAVE_SEED_TOOLS, runSeedPipeline, SEED_SNAPSHOT_NAME } from '../helpers/seed-pipeline.js';
import { skipWithout } from '../helpers/software.js';

const SKIP_SEED_TOOLS = skipWithout(HAVE_SEED_TOOLS, "curl (the seed post's pipeline)");

/**
 * The seed blog post's Task 1 Step 3, kept in its shape (test/helpers/seed-pipeline.ts): curl config + key
 * files, listFileSystem piped through trentm's json and awk into createStorageSnapshot.
 */
let sandbox: RunningSandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), 'ccsnap-seed-'));
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the seed post's own pipeline against the sandbox array", () => {
  it.skipIf(SKIP_SEED_TOOLS)('Task 1 Step 3 finds the same filesystem as resolveFilesystems and creates the snapshot', async () => {
    const volume = sandbox.ctx.state.cinder.volumes.find((v) => v.volumeType.startsWith('cb-') && v.bootable)!;
    const fsName = volume.id.replace(/-/g, '');
    const printed = await runSeedPipeline({ sandboxUrl: sandbox.url, apiKey: sandbox.ctx.state.array.apiKey, fsName, workDir: dir });
    expect(printed.name).toBe(SEED_SNAPSHOT_NAME);

    const client = createElastiCenterClient({ url: `${sandbox.url}/client/api`, apiKey: sandbox.ctx.state.array.apiKey, name: 'seed' });
    try {
      const fs = (await resolveFilesystems(client, [volume.id])).get(volume.id)!;
      const created = sandbox.ctx.transcript.list().filter((e) => e.command === 'createStorageSnapshot');
      expect(created).toHaveLength(1);
      expect(new URLSearchParams(created[0]!.query).get('id')).toBe(fs.id);
      const record = sandbox.ctx.state.array.snapshots.find((s) => s.name === SEED_SNAPSHOT_NAME)!;
      expect(record).toMatchObject({ id: printed.id, fsId: fs.id });
      const snap = await client.findSnapshot({ fsId: fs.id, name: SEED_SNAPSHOT_NAME });
      expect(snap?.path).toBe(`POOL1/OPENSTACK_ACCOPENSTACK_VSM/${fsName}@${SEED_SNAPSHOT_NAME}`);
    } finally {
      await client.close();
    }
  });
});
