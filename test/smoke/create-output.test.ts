import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_COLUMNS } from '../../src/cli/views/create.js';
import { cliError, startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';

/** Golden files, compared like the unit tests' (`toMatchFileSnapshot`: a missing or different file fails in CI; `vitest -u` rewrites). */
const GOLDEN = '../fixtures/golden/create';

/** The columns whose values the demo inventory fixes (set ids, names and timings change every run). */
const STABLE = ['-c', 'Instance ID', '-c', 'Instance Name', '-c', 'Label', '-c', 'State', '-c', 'Consistency', '-c', 'Error'];

describe('ccsnap create: one output shape for one and for several instances', () => {
  let cli: SandboxCli;
  beforeAll(async () => {
    cli = await startSandboxCli();
  });
  afterAll(async () => cli.close());

  for (const format of ['table', 'json', 'yaml', 'value', 'csv']) {
    it(`-f ${format} with one and with two instances (golden)`, async () => {
      const one = await cli.run(['create', 'web-1', '--name', 'golden', '-f', format, ...STABLE]);
      expect(one.code, one.stderr).toBe(0);
      await expect(one.stdout).toMatchFileSnapshot(`${GOLDEN}/cli-one.${format}`);
      // noagent-1 has no guest agent: refused, and its row still names its Instance ID.
      const two = await cli.run(['create', 'web-1', 'noagent-1', '--name', 'golden', '-f', format, ...STABLE]);
      expect(two.code).toBe(1);
      expect(two.stderr).toMatch(/^ccsnap: error: noagent-1: .*\[CCSNAP_HV_AGENT_NOT_CONFIGURED\]$/m);
      await expect(two.stdout).toMatchFileSnapshot(`${GOLDEN}/cli-two.${format}`);
    });
  }

  it('-f json: an array of rows with the same keys for one and for two instances', async () => {
    const one = await cli.json<Array<Record<string, unknown>>>(['create', 'db-1']);
    const two = JSON.parse((await cli.run(['create', 'db-1', 'win-1', '-f', 'json'])).stdout) as Array<Record<string, unknown>>;
    expect([...one, ...two].map((r) => Object.keys(r))).toEqual([CREATE_COLUMNS, CREATE_COLUMNS, CREATE_COLUMNS]);
    expect(one[0]).toMatchObject({ 'Instance ID': cli.server('db-1').id, 'Instance Name': 'db-1', State: 'complete' });
    expect((one[0]!.Members as Array<{ volume_id: string }>).map((m) => m.volume_id)).toEqual(cli.volumes('db-1').map((v) => v.volumeId));
  });

  it('-c "Set ID" works with one and with two instances; --sort-column too', async () => {
    const one = await cli.run(['create', 'app-1', '-f', 'value', '-c', 'Set ID']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^[0-9a-f]+\n$/);
    const two = await cli.run([
      'create',
      'web-1',
      'db-1',
      '-f',
      'value',
      '-c',
      'Instance Name',
      '-c',
      'Set ID',
      '--sort-column',
      'Instance Name',
      '--sort-descending',
    ]);
    expect(two.code, two.stderr).toBe(0);
    expect(
      two.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split(' ')[0]),
    ).toEqual(['web-1', 'db-1']);
  });

  it('a failed create of one instance prints the error line only; with -f also its row', async () => {
    const plain = await cli.run(['create', 'noagent-1']);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe('');
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(cliError(plain.stderr)?.code).toBe('CCSNAP_HV_AGENT_NOT_CONFIGURED');
    const data = await cli.run(['create', 'noagent-1', '-f', 'json']);
    expect(data.code).toBe(1);
    expect(JSON.parse(data.stdout)).toEqual([
      expect.objectContaining({ 'Instance ID': cli.server('noagent-1').id, 'Instance Name': 'noagent-1', State: 'error' }),
    ]);
  });

  it('--dry-run has the same columns', async () => {
    const plan = await cli.json<Array<Record<string, unknown>>>(['create', 'web-1', '--dry-run']);
    expect(plan.map((r) => [Object.keys(r), r.State])).toEqual([[CREATE_COLUMNS, 'planned']]);
  });
});
