import { describe, expect, it } from 'vitest';
import { CREATE_COLUMNS, createRow } from '../../../src/cli/views/create.js';
import { formatList } from '../../../src/cli/format/index.js';
import { readOutputOptions, type OutputOptions } from '../../../src/cli/output-options.js';
import type { CreateOutcome } from '../../../src/ops/create.js';

const GOLDEN = '../../fixtures/golden/create';

const WEB: CreateOutcome = {
  instance: 'web-1',
  kind: 'result',
  result: {
    setId: '5f0c2a9e1b7d',
    opId: 'op-7f3e',
    instanceId: '6a1f1b4e-0000-4000-8000-000000000001',
    instanceName: 'web-1',
    label: 'before-upgrade',
    state: 'complete',
    consistency: 'filesystem-consistent',
    reason: null,
    frozenMs: 12,
    thawedBy: 'ccsnap',
    members: [
      {
        volumeId: 'b0a1-boot',
        device: '/dev/vda',
        arrayName: 'sandbox',
        fsId: 'fs-1',
        snapshotName: 'ccs_5f0c2a9e1b7d_20260101120000_1of2_before_upgrade',
        path: 'POOL1/ACC1TSM1/b0a1boot@ccs_5f0c2a9e1b7d_20260101120000_1of2_before_upgrade',
        state: 'created',
        error: null,
      },
      {
        volumeId: 'b0a1-data',
        device: '/dev/vdb',
        arrayName: 'sandbox',
        fsId: 'fs-2',
        snapshotName: 'ccs_5f0c2a9e1b7d_20260101120000_2of2_before_upgrade',
        path: 'POOL1/ACC1TSM1/b0a1data@ccs_5f0c2a9e1b7d_20260101120000_2of2_before_upgrade',
        state: 'created',
        error: null,
      },
    ],
    steps: [
      { name: 'freeze', status: 'ok', startedAt: '2026-01-01T12:00:00.000Z', durationMs: 3 },
      { name: 'snapshot', status: 'ok', startedAt: '2026-01-01T12:00:00.003Z', durationMs: 8 },
      { name: 'thaw', status: 'ok', startedAt: '2026-01-01T12:00:00.011Z', durationMs: 1 },
    ],
  },
};

const NOAGENT: CreateOutcome = {
  instance: 'noagent-1',
  instanceId: '6a1f1b4e-0000-4000-8000-000000000004',
  kind: 'error',
  error: { code: 'CCSNAP_HV_AGENT_NOT_CONFIGURED', message: 'instance noagent-1 has no guest agent channel' },
};

function opts(over: Partial<OutputOptions> = {}): OutputOptions {
  return { ...readOutputOptions({}), ...over };
}

const render = (outcomes: CreateOutcome[], over: Partial<OutputOptions>) => formatList(CREATE_COLUMNS, outcomes.map(createRow), opts(over));

describe('create output: one row per instance, one shape (golden files)', () => {
  for (const format of ['table', 'json', 'yaml', 'value', 'csv'] as const) {
    it(`-f ${format}, one instance`, async () => {
      await expect(await render([WEB], { format })).toMatchFileSnapshot(`${GOLDEN}/one.${format}.txt`);
    });
    it(`-f ${format}, two instances (one failed)`, async () => {
      await expect(await render([WEB, NOAGENT], { format })).toMatchFileSnapshot(`${GOLDEN}/two.${format}.txt`);
    });
  }

  it('the same -c works with one and with two instances', async () => {
    const columns = ['Instance Name', 'Set ID', 'State'];
    expect(await render([WEB], { format: 'csv', columns })).toBe('"Instance Name","Set ID","State"\n"web-1","5f0c2a9e1b7d","complete"\n');
    expect(await render([WEB, NOAGENT], { format: 'csv', columns })).toBe(
      '"Instance Name","Set ID","State"\n"web-1","5f0c2a9e1b7d","complete"\n"noagent-1",,"error"\n',
    );
  });

  it('json is an array of objects keyed by the column names, for one instance too', async () => {
    const one = JSON.parse(await render([WEB], { format: 'json' })) as Array<Record<string, unknown>>;
    expect(one).toHaveLength(1);
    expect(Object.keys(one[0]!)).toEqual(CREATE_COLUMNS);
    const two = JSON.parse(await render([WEB, NOAGENT], { format: 'json' })) as Array<Record<string, unknown>>;
    expect(two.map((r) => Object.keys(r))).toEqual([CREATE_COLUMNS, CREATE_COLUMNS]);
    expect(two[1]).toMatchObject({
      'Instance ID': '6a1f1b4e-0000-4000-8000-000000000004',
      State: 'error',
      Members: [],
      Error: 'instance noagent-1 has no guest agent channel [CCSNAP_HV_AGENT_NOT_CONFIGURED]',
    });
  });

  it('--sort-column with --sort-descending', async () => {
    const out = await render([WEB, NOAGENT], { format: 'value', columns: ['Instance Name'], sortColumns: ['Instance Name'] });
    expect(out).toBe('noagent-1\nweb-1\n');
    const desc = await render([NOAGENT, WEB], { format: 'value', columns: ['Instance Name'], sortColumns: ['Instance Name'], sortDescending: true });
    expect(desc).toBe('web-1\nnoagent-1\n');
  });

  it('--max-width wraps the wide columns so every line fits', async () => {
    const out = await render([WEB, NOAGENT], { format: 'table', maxWidth: 160 });
    const widths = out
      .trimEnd()
      .split('\n')
      .map((l) => l.length);
    expect(Math.max(...widths)).toBeLessThanOrEqual(160);
    expect(new Set(widths).size).toBe(1);
    await expect(out).toMatchFileSnapshot(`${GOLDEN}/two-max-width-160.table.txt`);
  });
});
