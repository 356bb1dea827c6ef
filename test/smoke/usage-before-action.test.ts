import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';

/** Bad output options and flag values are refused before anything is frozen, created, rolled back or deleted. */
describe('usage errors come before actions', () => {
  let cli: SandboxCli;
  beforeAll(async () => {
    cli = await startSandboxCli();
  });
  afterAll(async () => cli.close());

  const changes = () =>
    cli.since(0).filter((e) => ['createStorageSnapshot', 'deleteSnapshot', 'rollbackToSnapshot', 'domfsfreeze', 'os-stop'].includes(e.command ?? ''));

  it('an unknown -c on create, delete and rollback: exit 2 and nothing changed', async () => {
    const set = await cli.createSet('app-1');
    const before = changes().length;
    for (const args of [
      ['create', 'app-1', '-c', 'bogus'],
      ['create', 'app-1', 'web-1', '-c', 'set_id'],
      ['create', 'app-1', '--dry-run', '-c', 'state'],
      ['delete', 'app-1', set.set_id, '--yes', '-c', 'bogus'],
      ['rollback', 'app-1', set.set_id, '--yes', '-c', 'bogus'],
      ['list', '--sort-column', 'bogus'],
    ]) {
      const r = await cli.run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/no such (sort )?column/);
    }
    expect(changes()).toHaveLength(before);
  });

  it('a PostgreSQL --journal with a password is refused (the process list would show it), and the password is never echoed', async () => {
    const seq = cli.mark();
    const r = await cli.run(['list'], { journal: 'postgresql://ccsnap:s3cret-pw@127.0.0.1:1/ccsnap' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--journal holds a password.*PGPASSWORD.*\[CCSNAP_USAGE\]/);
    expect(r.stderr + r.stdout).not.toContain('s3cret-pw');
    expect(cli.since(seq)).toEqual([]);
  });

  it('--max-freeze must be above 0 and at most 300 s; counts name their flag', async () => {
    const before = changes().length;
    for (const [flag, value] of [
      ['--max-freeze', '0'],
      ['--max-freeze', '7d'],
      ['--max-freeze', 'abc'],
      ['--concurrency', '0'],
      ['--per-host', 'x'],
    ] as const) {
      const r = await cli.run(['create', 'web-1', flag, value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(flag);
    }
    expect(changes()).toHaveLength(before);
  });

  it('a multi-instance create names each failed instance on stderr, whatever the format', async () => {
    const r = await cli.run(['create', 'web-1', 'noagent-1', '-f', 'value', '-c', 'Set ID']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ccsnap: error: noagent-1: .*\[CCSNAP_HV_AGENT_NOT_CONFIGURED\]$/m);
    expect(r.stderr).not.toMatch(/web-1:/);
  });
});
