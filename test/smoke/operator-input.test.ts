import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliError, startSandboxCli, type CreatedSet, type SandboxCli } from '../helpers/sandbox-cli.js';

/** Issue 12 items 2, 6 and 7: durations with units, counts in range, empty names, duplicate targets, other instance's set. */
let cli: SandboxCli;
let dbSet: CreatedSet;

beforeAll(async () => {
  cli = await startSandboxCli();
  await cli.createSet('web-1');
  dbSet = await cli.createSet('db-1');
});
afterAll(async () => cli?.close());

function snapshotCount(): number {
  return cli.sandbox.ctx.state.array.snapshots.length;
}

async function expectUsage(args: string[], pattern: RegExp): Promise<void> {
  const before = snapshotCount();
  const seq = cli.mark();
  const r = await cli.run(args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
  expect(r.stderr).toMatch(/^ccsnap: error: .*\[CCSNAP_USAGE\]\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(snapshotCount()).toBe(before);
  // Refused before any request: nothing reached the cloud or the array.
  expect(cli.since(seq)).toEqual([]);
}

describe('destructive durations need a unit and must be above zero', () => {
  it.each([['0'], ['7'], ['0s'], ['-1d'], ['5x'], ['1.5'], ['d'], ['7 days']])('--older-than %s is refused, nothing deleted', async (age) => {
    await expectUsage(['delete', 'web-1', '--older-than', age, '--yes'], /older-than/);
  });

  it('the dry run names the cut-off time, and selects only sets created before it', async () => {
    const t0 = Date.now();
    const r = await cli.run(['delete', 'web-1', '--older-than', '1h', '--dry-run', '-f', 'json']);
    expect(r.code).toBe(0);
    const cutoff = /created before (\S+) \(cut-off\)/.exec(r.stderr)?.[1];
    expect(cutoff).toBeDefined();
    const ms = Date.parse(cutoff!);
    expect(ms).toBeGreaterThanOrEqual(t0 - 3_600_000);
    expect(ms).toBeLessThanOrEqual(Date.now() - 3_600_000);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});

describe('counts are whole numbers in a sane range', () => {
  it.each([
    [['delete', 'web-1', '--keep-last', '1e99', '--yes'], /keep-last/],
    [['delete', 'web-1', '--keep-last', '10001', '--yes'], /keep-last/],
    [['delete', 'web-1', '--keep-last', '-1', '--yes'], /keep-last/],
    [['delete', 'web-1', '--keep-last', '2.0', '--yes'], /keep-last/],
    [['create', 'web-1', '--concurrency', '0x10'], /concurrency/],
    [['create', 'web-1', '--concurrency', '0'], /concurrency/],
    [['create', 'web-1', '--per-host', '1e3'], /per-host/],
    [['--timeout', '1e99', 'list'], /timeout/],
    [['--timeout', '0', 'list'], /timeout/],
  ])('%j is refused', async (args, pattern) => {
    await expectUsage(args, pattern);
  });
});

describe('empty names are errors everywhere', () => {
  it.each([
    [['list', '']],
    [['show', '']],
    [['instances', '']],
    [['create', '']],
    [['create', 'web-1', '']],
    [['rollback', 'web-1', '', '--yes']],
    [['rollback', '', 'any-set', '--yes']],
    [['delete', 'web-1', '', '--yes']],
    [['delete', ' ', '--keep-last', '1', '--yes']],
    [['--journal', '', 'list']],
    [['--os-cloud', '', 'list']],
    [['create', 'web-1', '--name', '']],
  ])('%j is refused', async (args) => {
    await expectUsage(args, /must not be empty/);
  });
});

describe('targets and sets are matched by instance id', () => {
  it('the same instance named twice (name and id) is snapshotted once', async () => {
    const id = cli.server('app-1').id;
    const r = await cli.run(['create', 'app-1', id, '-f', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ 'Instance ID': id, State: 'complete' });
  });

  it('rollback and delete name a set of another instance as such, and change nothing', async () => {
    const before = JSON.stringify(cli.sandbox.ctx.state.array.snapshots);
    const rb = await cli.run(['rollback', 'web-1', dbSet.set_id, '--yes']);
    expect(rb.code).toBe(1);
    const err = cliError(rb.stderr)!;
    expect(err.code).toBe('CCSNAP_SET_OTHER_INSTANCE');
    expect(err.message).toContain(`belongs to instance db-1 (${cli.server('db-1').id})`);
    const del = await cli.run(['delete', 'web-1', dbSet.set_id, '--yes']);
    expect(cliError(del.stderr)?.code).toBe('CCSNAP_SET_OTHER_INSTANCE');
    expect(JSON.stringify(cli.sandbox.ctx.state.array.snapshots)).toBe(before);
    expect(cli.server('web-1').status).toBe('ACTIVE');
  });
});
