import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  arrayFault,
  arraySnapshots,
  ccsnapJson,
  fsfreezeStatus,
  guest,
  realstack,
  record,
  skipReason,
  spawnCcsnap,
  timed,
  virsh,
  waitFor,
  type RealStack,
} from './stack.js';

const stack = realstack();
if (!stack) console.warn(`[test:realstack] crash test skipped: ${skipReason()}`);

/** How long after --max-freeze the real guest may still be frozen (virsh/agent round trips, TCG guest). */
const THAW_MARGIN_MS = 3000;
const MAX_FREEZE_S = 5;

describe.skipIf(!stack)('real stack: kill -9 of ccsnap inside the freeze window', () => {
  const rs = stack as RealStack;

  afterAll(async () => {
    await arrayFault(rs, 'clear');
    await virsh(rs, ['domfsthaw', rs.domain]).catch(() => undefined);
  });

  it('the watchdog thaws the real guest within --max-freeze, and recover cleans the set', async () => {
    await arrayFault(rs, { service: 'array', key: 'createStorageSnapshot', latencyMs: 20_000 });
    const fsIds = await filesystemIds(rs);
    const before = new Set((await Promise.all(fsIds.map((id) => arraySnapshots(rs, id)))).flat().map((s) => s.name));

    const { frozenAt, killedAt, thawedAt, exit } = await timed(rs, 'kill -9 in the freeze window', async () => {
      const run = spawnCcsnap(rs, ['create', rs.serverName, '--max-freeze', String(MAX_FREEZE_S), '-f', 'json']);
      const frozenAt = await waitFor(
        'the guest agent to report frozen',
        async () => ((await fsfreezeStatus(rs)) === 'frozen' ? Date.now() : undefined),
        60_000,
        50,
      );
      // inside the window: ccsnap is waiting for the slowed array; kill it without a chance to clean up
      await new Promise((r) => setTimeout(r, 500));
      run.child.kill('SIGKILL');
      const killedAt = Date.now();
      const exit = await run.done;
      const thawedAt = await waitFor(
        'the guest agent to report thawed',
        async () => ((await fsfreezeStatus(rs)) === 'thawed' ? Date.now() : undefined),
        60_000,
        50,
      );
      return { frozenAt, killedAt, thawedAt, exit };
    });
    record(rs, '  guest frozen until the kill', killedAt - frozenAt);
    record(rs, '  guest thawed after the kill', thawedAt - killedAt);
    expect(exit.signal).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThan(frozenAt);
    // ccsnap never thawed (it was dead); its watchdog did, well within the freeze bound
    expect(thawedAt - frozenAt, `frozen ${thawedAt - frozenAt} ms, killed after ${killedAt - frozenAt} ms`).toBeLessThan(MAX_FREEZE_S * 1000 + THAW_MARGIN_MS);
    const watchdogLog = join(dirname(rs.journal), 'watchdog.log');
    // the watchdog notes the thaw once it has verified it (guest-fsfreeze-status), a moment after the fact
    await waitFor(
      'the watchdog to log the thaw',
      async () => (existsSync(watchdogLog) && readFileSync(watchdogLog, 'utf8').includes(`${rs.domain} is thawed`) ? true : undefined),
      15_000,
      100,
    );
    await guest(rs, 'echo writable > /data/after-crash && sync');

    // the array did take the snapshots (the fault only delays its answer): they are the dead run's leftovers
    const leftovers = (await Promise.all(fsIds.map((id) => arraySnapshots(rs, id)))).flat().filter((s) => !before.has(s.name));
    expect(leftovers).toHaveLength(2);
    const setId = /^ccs_([0-9a-f]+)_/.exec(leftovers[0]!.name)![1]!;

    const report = await timed(rs, 'recover', () => ccsnapJson<any[]>(rs, ['recover']));
    const row = report.find((r) => r.Kind === 'create' && r.Instance === rs.serverName);
    expect(row, JSON.stringify(report)).toMatchObject({ Outcome: 'recovered' });
    expect(row.Detail).toContain(`set ${setId} cleaned (2 snapshot(s) deleted)`);

    const after = (await Promise.all(fsIds.map((id) => arraySnapshots(rs, id)))).flat().map((s) => s.name);
    expect(after.filter((n) => n.includes(setId))).toEqual([]);
    const listed = await ccsnapJson<any[]>(rs, ['list', rs.serverName]);
    expect(listed.filter((r) => r['Set ID'] === setId)).toEqual([]);
    const shown = await ccsnapJson<any>(rs, ['show', setId]);
    expect(shown.state).toBe('failed');
    expect(await fsfreezeStatus(rs)).toBe('thawed');
  });
});

async function filesystemIds(rs: RealStack): Promise<string[]> {
  const rows = await ccsnapJson<any[]>(rs, ['instances', rs.serverName]);
  return (rows[0].Volumes as Array<{ filesystem: string }>).map((v) => v.filesystem);
}
