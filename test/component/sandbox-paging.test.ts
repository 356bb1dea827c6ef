import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, listServers, listVolumes } from '../../src/openstack/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { buildScaledState } from '../../src/sandbox/scale.js';
import { sandboxCloud } from '../../src/sandbox-entry.js';

/** Like real Nova and Cinder (max_limit 1000), a full page carries a next link even without ?limit. */
describe('sandbox paging past max_limit', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ state: buildScaledState({ instances: 1001, volumesPerInstance: 1, snapshotsPerVolume: 0 }) });
  });
  afterAll(async () => sandbox.close());

  it('servers and volumes: ccsnap follows the next link to the 1001st item', async () => {
    const session = await createSession(sandboxCloud(sandbox.url));
    try {
      const seq = sandbox.ctx.transcript.lastSeq();
      expect(await listServers(session, { allTenants: true })).toHaveLength(1001);
      expect(await listVolumes(session, { allTenants: true })).toHaveLength(1001);
      const pages = sandbox.ctx.transcript.list(seq).filter((e) => /\/(servers|volumes)\/detail$/.test(e.path));
      expect(pages.map((e) => e.service)).toEqual(['nova', 'nova', 'cinder', 'cinder']);
      expect(pages[1]!.query).toContain('marker=');
    } finally {
      await session.close();
    }
  });
});
