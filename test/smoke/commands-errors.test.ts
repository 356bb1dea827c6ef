import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addServer } from '../../src/sandbox/index.js';
import { startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';

/** Bad input to the snapshot commands: one line `ccsnap: error: <message> [<CODE>]`, exit 1, no stack, no change. */

let cli: SandboxCli;
let twins: string[];
let webSet: string;

beforeAll(async () => {
  cli = await startSandboxCli({
    prepare: (state) => {
      // A second server named app-1 (its own id, volume and domain).
      addServer(state, { name: 'app-1-twin', host: 'compute-1', volumes: ['cb-ssd'] }).name = 'app-1';
    },
  });
  twins = cli.sandbox.ctx.state.nova.servers.filter((s) => s.name === 'app-1').map((s) => s.id);
  webSet = (await cli.createSet('web-1')).set_id;
});
afterAll(async () => cli?.close());

const ONE_LINE = /^ccsnap: error: [^\n]+ \[(CCSNAP_[A-Z_]+)\]\n$/;

async function expectError(args: string[], code: string): Promise<string> {
  const snapshots = JSON.stringify(cli.sandbox.ctx.state.array.snapshots);
  const seq = cli.mark();
  const r = await cli.run(args);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(ONE_LINE);
  expect(ONE_LINE.exec(r.stderr)![1]).toBe(code);
  expect(cli.since(seq).filter((e) => (e.service === 'nova' && e.method === 'POST') || e.command === 'domfsfreeze')).toEqual([]);
  expect(JSON.stringify(cli.sandbox.ctx.state.array.snapshots)).toBe(snapshots);
  return r.stderr;
}

describe('unknown instance', () => {
  it.each([
    [['list', 'no-such-vm']],
    [['instances', 'no-such-vm']],
    [['create', 'no-such-vm']],
    [['rollback', 'no-such-vm', 'feedfacecafe', '--yes']],
    [['delete', 'no-such-vm', 'feedfacecafe', '--yes']],
  ])('ccsnap %j', async (args) => {
    const stderr = await expectError(args, 'CCSNAP_INSTANCE_NOT_FOUND');
    expect(stderr).toContain('no-such-vm');
  });
});

describe('ambiguous instance name', () => {
  it('the sandbox really has two servers named app-1', () => {
    expect(twins).toHaveLength(2);
  });

  it.each([[['list', 'app-1']], [['create', 'app-1']], [['rollback', 'app-1', 'feedfacecafe', '--yes']], [['delete', 'app-1', '--keep-last', '0', '--yes']]])(
    'ccsnap %j names both ids',
    async (args) => {
      const stderr = await expectError(args, 'CCSNAP_INSTANCE_AMBIGUOUS');
      for (const id of twins) expect(stderr).toContain(id);
    },
  );

  it('either twin can be named by its id', async () => {
    for (const id of twins) {
      expect(await cli.json(['list', id])).toEqual([]);
      expect((await cli.json<Array<{ ID: string }>>(['instances', id])).map((r) => r.ID)).toEqual([id]);
    }
  });
});

describe('unknown set', () => {
  it.each([
    [['show', 'feedfacecafe']],
    [['rollback', 'web-1', 'feedfacecafe', '--yes']],
    [['delete', 'web-1', 'feedfacecafe', '--yes']],
    [['delete', 'web-1', 'feedfacecafe', '--dry-run']],
  ])('ccsnap %j', async (args) => {
    const stderr = await expectError(args, 'CCSNAP_SET_NOT_FOUND');
    expect(stderr).toContain('feedfacecafe');
  });

  it('a set of another instance is named as belonging to it', async () => {
    await expectError(['rollback', 'db-1', webSet, '--yes'], 'CCSNAP_SET_OTHER_INSTANCE');
    await expectError(['delete', 'db-1', webSet, '--yes'], 'CCSNAP_SET_OTHER_INSTANCE');
    expect((await cli.json<Array<{ 'Set ID': string }>>(['list', 'web-1'])).map((r) => r['Set ID'])).toEqual([webSet, webSet]);
  });

  it('--debug adds the details and the stack after the one line', async () => {
    const r = await cli.run(['--debug', 'show', 'feedfacecafe']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ccsnap: error: [^\n]+ \[CCSNAP_SET_NOT_FOUND\]\n/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
