import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';

/** Golden files, compared like the unit tests' (`toMatchFileSnapshot`: a missing or different file fails in CI; `vitest -u` rewrites). */
const GOLDEN = '../fixtures/golden/instances';

describe('ccsnap instances against the sandbox (golden files)', () => {
  let cli: SandboxCli;
  beforeAll(async () => {
    cli = await startSandboxCli();
  });
  afterAll(async () => {
    await cli.close();
  });

  it('-f json lists the demo inventory with domains, hosts and volumes', async () => {
    const r = await cli.run(['instances', '-f', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ Name: string; Domain: string; Host: string; Volumes: Array<{ type: string; array: string | null }> }>;
    expect(rows.map((x) => x.Name)).toEqual(['app-1', 'db-1', 'legacy-1', 'noagent-1', 'stopped-1', 'web-1', 'win-1']);
    const web = rows.find((x) => x.Name === 'web-1')!;
    expect(web.Domain).toMatch(/^instance-[0-9a-f]{8}$/);
    expect(web.Host).toBe('compute-1');
    expect(web.Volumes.map((v) => [v.type, v.array])).toEqual([
      ['cb-ssd', 'sandbox'],
      ['cb-hdd', 'sandbox'],
    ]);
    expect(rows.find((x) => x.Name === 'legacy-1')!.Volumes[0]!.array).toBeNull();
    await expect(r.stdout).toMatchFileSnapshot(`${GOLDEN}/instances.json`);
  });

  for (const format of ['table', 'yaml', 'value', 'csv']) {
    it(`-f ${format}`, async () => {
      const r = await cli.run(['instances', '-f', format]);
      expect(r.code).toBe(0);
      await expect(r.stdout).toMatchFileSnapshot(`${GOLDEN}/instances.${format}`);
    });
  }

  it('-c selects and orders columns (repeatable)', async () => {
    const r = await cli.run(['instances', '-f', 'csv', '-c', 'Name', '-c', 'Snapshot Capable', '-c', 'Host']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('"Name","Snapshot Capable","Host"');
    await expect(r.stdout).toMatchFileSnapshot(`${GOLDEN}/instances-columns.csv`);
  });

  it('one instance by name; an unknown column is a usage error (exit 2)', async () => {
    const one = JSON.parse((await cli.run(['instances', 'db-1', '-f', 'json'])).stdout) as unknown[];
    expect(one).toHaveLength(1);
    const bad = await cli.run(['instances', '-c', 'Nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
