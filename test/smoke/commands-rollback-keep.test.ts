import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCli, type CreatedSet, type SandboxCli, type ServerVolume } from '../helpers/sandbox-cli.js';

/**
 * `ccsnap rollback` on an array that keeps newer snapshots ('keep-newer'), configured as for a real cloud
 * (clouds.yaml + a ccsnap config declaring `rollback: keep-newer`): a safety set of the current disks is
 * taken first, and survives the rollback.
 */

type Row = Record<string, unknown>;

let cli: SandboxCli;
let web: ServerVolume[];
const sets: CreatedSet[] = [];

beforeAll(async () => {
  cli = await startSandboxCli({ rollback: 'keep-newer', powerDelayMs: 50 });
  web = cli.volumes('web-1');
  for (let i = 0; i < 2; i++) sets.push(await cli.createSet('web-1'));
});
afterAll(async () => cli?.close());

const arraySnapshots = (): string[] => cli.sandbox.ctx.state.array.snapshots.map((s) => `${s.fsId}@${s.name}`).sort();

describe('ccsnap rollback on a keep-newer array', () => {
  it('runs as configured for a real cloud, not as --sandbox', () => {
    expect(cli.mode).toBe('configured');
  });

  it('takes a safety set after the stop and before the rollback; newer sets and the safety set survive', async () => {
    const before = arraySnapshots();
    const seq = cli.mark();
    const r = await cli.run(['rollback', 'web-1', sets[0]!.set_id, '--yes', '-f', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(
      web.map((v, i) => ({ 'Volume ID': v.volumeId, Target: sets[0]!.members[i]!.path, State: 'rolled-back', Discarded: [], Error: null })),
    );

    const log = cli.since(seq);
    const creates = log.filter((e) => e.command === 'createStorageSnapshot');
    const rollbacks = log.filter((e) => e.command === 'rollbackToSnapshot');
    const stop = log.find((e) => e.service === 'nova' && e.method === 'POST')!;
    expect(creates).toHaveLength(2);
    expect(rollbacks).toHaveLength(2);
    expect(log.filter((e) => e.command === 'deleteSnapshot')).toEqual([]);
    expect(stop.seq).toBeLessThan(Math.min(...creates.map((e) => e.seq)));
    expect(Math.max(...creates.map((e) => e.seq))).toBeLessThan(Math.min(...rollbacks.map((e) => e.seq)));

    const safetyNames = creates.map((e) => new URLSearchParams(e.query).get('name')!);
    const safetyId = /^ccs_([0-9a-f]{12})_/.exec(safetyNames[0]!)![1]!;
    expect(safetyNames.every((n) => n.startsWith(`ccs_${safetyId}_`) && n.endsWith(`_safety_before_${sets[0]!.set_id}`))).toBe(true);
    expect(arraySnapshots()).toEqual(
      [...before, ...creates.map((e) => `${new URLSearchParams(e.query).get('id')}@${new URLSearchParams(e.query).get('name')}`)].sort(),
    );
    expect(cli.server('web-1').status).toBe('ACTIVE');

    const listed = await cli.json<Row[]>(['list', 'web-1']);
    expect(listed.filter((x) => x['Set ID'] === safetyId).map((x) => [x.Label, x.Consistency, x.Status])).toEqual([
      [`safety_before_${sets[0]!.set_id}`, 'offline', 'ok'],
      [`safety_before_${sets[0]!.set_id}`, 'offline', 'ok'],
    ]);
    expect(new Set(listed.map((x) => x['Set ID']))).toEqual(new Set([sets[0]!.set_id, sets[1]!.set_id, safetyId]));
  });

  it('--no-safety skips the safety set', async () => {
    const before = arraySnapshots();
    const seq = cli.mark();
    const r = await cli.run(['rollback', 'web-1', sets[1]!.set_id, '--no-safety', '--yes', '-f', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((x: Row) => x.State)).toEqual(['rolled-back', 'rolled-back']);
    expect(cli.since(seq).filter((e) => e.command === 'createStorageSnapshot')).toEqual([]);
    expect(cli.since(seq).filter((e) => e.command === 'rollbackToSnapshot')).toHaveLength(2);
    expect(arraySnapshots()).toEqual(before);
  });

  it('--dry-run says a safety set would be taken', async () => {
    const r = await cli.run(['rollback', 'web-1', sets[0]!.set_id, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('take a safety set of the current disks');
    expect(r.stderr).not.toContain('DESTROYS');
  });
});

describe("--sandbox follows the running sandbox array's rollback policy", () => {
  it('a keep-newer sandbox array: --sandbox rollback takes a safety set and needs no --discard-newer', async () => {
    const sb = await startSandboxCli({ rollback: 'keep-newer', mode: 'sandbox', powerDelayMs: 50 });
    try {
      expect(sb.mode).toBe('sandbox');
      const first = await sb.createSet('web-1');
      await sb.createSet('web-1');
      const seq = sb.mark();
      const r = await sb.run(['rollback', 'web-1', first.set_id, '--yes', '-f', 'json']);
      expect(r.code).toBe(0);
      const log = sb.since(seq);
      expect(log.filter((e) => e.command === 'deleteSnapshot')).toEqual([]);
      expect(log.filter((e) => e.command === 'createStorageSnapshot')).toHaveLength(2);
      expect(log.find((e) => e.command === 'os-stop')!.seq).toBeLessThan(log.find((e) => e.command === 'rollbackToSnapshot')!.seq);
    } finally {
      await sb.close();
    }
  });
});
