import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { addScaledServers } from '../../src/sandbox-entry.js';
import { startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';

const INSTANCES = Array.from({ length: 6 }, (_, i) => `vm-${String(i + 1).padStart(5, '0')}`);

interface SetRow {
  id: string;
  instance_name: string;
  state: string;
  occurrence: string | null;
}

/**
 * kill -9 of the built CLI in the middle of `run-due` (one instance at a time, each snapshot slowed inside
 * the freeze window), once the journal shows its occurrence running and a first set complete: the next
 * run-due finishes that occurrence. Exactly one complete set per instance for it, no orphan snapshot on
 * the array, no guest left frozen.
 */
describe('kill -9 during run-due', () => {
  let cli: SandboxCli;
  let occurrence = '';

  function read<T>(sql: string, ...args: unknown[]): T[] {
    if (!existsSync(cli.journalPath)) return [];
    const db = new Database(cli.journalPath, { readonly: true, fileMustExist: true });
    try {
      // The CLI creates the journal, then its tables: until then there is nothing to read.
      if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'occurrences'").get()) return [];
      return db.prepare(sql).all(...args) as T[];
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    cli = await startSandboxCli({
      mode: 'configured',
      prepare: (s) => void addScaledServers(s, { instances: INSTANCES.length, volumesPerInstance: 2, snapshotsPerVolume: 0, hosts: 2 }),
    });
    const path = join(cli.dir, 'ccsnap.yaml');
    const doc = parse(await readFile(path, 'utf8')) as { clouds: Record<string, Record<string, unknown>> };
    const now = new Date();
    // Daily at the current UTC minute: due now, and for the 15 minutes of its window.
    const nightly = {
      name: 'nightly',
      instances: { names: ['vm-*'] },
      schedule: `${now.getUTCMinutes()} ${now.getUTCHours()} * * *`,
      retention: { keep_last: 7 },
      create: { concurrency: 1, per_host: 1, max_freeze: '20s' },
    };
    for (const cloud of Object.values(doc.clouds)) cloud.policies = [nightly];
    await writeFile(path, stringify(doc));
  });
  afterAll(async () => cli?.close());

  it("the next run-due finishes the killed run's occurrence without a duplicate set", async () => {
    // Every snapshot answers only after 300 ms, inside the freeze window: the kill likely lands in one.
    const slow = cli.sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', latencyMs: 300 });
    const child = cli.spawn(['run-due']);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    // Wait for the records and the state, not for a time: the occurrence running, at least one set
    // complete, and the next guest frozen (the kill lands inside a freeze window).
    const domains = new Set(INSTANCES.map((n) => cli.server(n).instanceName));
    const frozen = () => cli.sandbox.ctx.state.hypervisor.domains.filter((d) => domains.has(d.name) && d.frozen).map((d) => d.name);
    let killedFrozen: string[] = [];
    for (;;) {
      const running = read<{ occurrence: string }>("SELECT occurrence FROM occurrences WHERE state = 'running'");
      const complete = running.length ? read<SetRow>("SELECT * FROM sets WHERE occurrence = ? AND state = 'complete'", running[0]!.occurrence) : [];
      killedFrozen = frozen();
      if (complete.length > 0 && killedFrozen.length > 0) {
        occurrence = running[0]!.occurrence;
        break;
      }
      const early = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 10))]);
      if (early) throw new Error(`run-due ended before it could be killed (${JSON.stringify(early)}): ${stderr}`);
    }
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    expect(killedFrozen).toHaveLength(1);
    const left = read<SetRow>('SELECT * FROM sets WHERE occurrence = ?', occurrence);
    expect(left.filter((s) => s.state === 'complete').length).toBeLessThan(INSTANCES.length);
    cli.sandbox.ctx.faults.remove(slow);

    const next = await cli.run(['run-due', '-f', 'json']);
    expect(next.code, next.stderr).toBe(0);
    const rows = JSON.parse(next.stdout) as Array<Record<string, string | null>>;
    expect(rows[0]).toMatchObject({ Occurrence: occurrence, Step: 'adopted', Result: 'done' });
    // The set the killed run was making (its guest frozen) was cleaned by the recovery pass, then made again.
    expect(next.stderr).toMatch(/recovered interrupted create .* of vm-0000\d: .*cleaned/);
    const outcomes = rows.filter((r) => r.Step === 'create');
    expect(outcomes.map((r) => r.Instance).sort()).toEqual(INSTANCES);
    expect(outcomes.every((r) => r.Result === 'created' || r.Result === 'already-done')).toBe(true);

    const sets = read<SetRow>('SELECT * FROM sets WHERE occurrence = ?', occurrence);
    const complete = sets.filter((s) => s.state === 'complete');
    expect(complete.map((s) => s.instance_name).sort()).toEqual(INSTANCES);
    expect(sets.filter((s) => s.state !== 'complete' && s.state !== 'failed')).toEqual([]);
    expect(read<{ state: string }>('SELECT state FROM occurrences WHERE occurrence = ?', occurrence)).toEqual([{ state: 'done' }]);
    expect(read('SELECT * FROM operations WHERE finished_at IS NULL')).toEqual([]);
    // The array holds exactly the complete sets' snapshots: whatever the killed run had half made is gone.
    const members = read<{ snapshot_name: string }>(
      "SELECT m.snapshot_name FROM members m JOIN sets s ON s.id = m.set_id WHERE s.occurrence = ? AND s.state = 'complete'",
      occurrence,
    );
    const fsIds = new Set(INSTANCES.flatMap((n) => cli.volumes(n).map((v) => v.fsId)));
    const onArray = cli.sandbox.ctx.state.array.snapshots
      .filter((s) => fsIds.has(s.fsId))
      .map((s) => s.name)
      .sort();
    expect(onArray).toEqual(members.map((m) => m.snapshot_name).sort());
    expect(cli.sandbox.ctx.state.hypervisor.domains.filter((d) => d.frozen).map((d) => d.name)).toEqual([]);

    const third = await cli.run(['run-due']);
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(/nothing is due/);
  });
});
