import { describe, expect, it } from 'vitest';
import { formatList, formatShow } from '../../../src/cli/format/index.js';
import { readOutputOptions, type OutputOptions } from '../../../src/cli/output-options.js';
import { ECHO_COLUMNS, ECHO_FIELDS, ECHO_ROWS } from '../../../src/cli/commands/echo-data.js';
import { UsageError } from '../../../src/errors.js';

const GOLDEN = '../../fixtures/golden';

function opts(over: Partial<OutputOptions> = {}): OutputOptions {
  return { ...readOutputOptions({}), ...over };
}

describe('list formats (golden files)', () => {
  for (const format of ['table', 'json', 'yaml', 'value', 'csv'] as const) {
    it(`-f ${format}`, async () => {
      const out = await formatList(ECHO_COLUMNS, ECHO_ROWS, opts({ format }));
      await expect(out).toMatchFileSnapshot(`${GOLDEN}/list.${format}.txt`);
    });
    it(`-f ${format} -c Name -c Volumes -c ID`, async () => {
      const out = await formatList(ECHO_COLUMNS, ECHO_ROWS, opts({ format, columns: ['Name', 'Volumes', 'ID'] }));
      await expect(out).toMatchFileSnapshot(`${GOLDEN}/list-columns.${format}.txt`);
    });
  }
  it('-f json --noindent', async () => {
    const out = await formatList(ECHO_COLUMNS, ECHO_ROWS, opts({ format: 'json', noindent: true }));
    await expect(out).toMatchFileSnapshot(`${GOLDEN}/list-noindent.json.txt`);
  });
  for (const quote of ['all', 'minimal', 'none'] as const) {
    it(`-f csv --quote ${quote}`, async () => {
      const out = await formatList(ECHO_COLUMNS, ECHO_ROWS, opts({ format: 'csv', quote }));
      await expect(out).toMatchFileSnapshot(`${GOLDEN}/list-quote-${quote}.csv.txt`);
    });
  }
});

describe('show formats (golden files)', () => {
  for (const format of ['table', 'json', 'yaml', 'value', 'shell'] as const) {
    it(`-f ${format}`, async () => {
      const out = await formatShow(ECHO_FIELDS, opts({ format }));
      await expect(out).toMatchFileSnapshot(`${GOLDEN}/show.${format}.txt`);
    });
    it(`-f ${format} -c size -c members`, async () => {
      const out = await formatShow(ECHO_FIELDS, opts({ format, columns: ['size', 'members'] }));
      await expect(out).toMatchFileSnapshot(`${GOLDEN}/show-columns.${format}.txt`);
    });
  }
  it('-f shell --prefix', async () => {
    const out = await formatShow({ 'snap id': 'a"b$c`d\\e', '1st': 1 }, opts({ format: 'shell', prefix: 'SNAP_' }));
    expect(out).toBe('SNAP_snap_id="a\\"b\\$c\\`d\\\\e"\nSNAP__1st="1"\n');
  });
});

describe('column selection and sorting', () => {
  it('keeps the order given with -c and drops duplicates', async () => {
    const out = await formatList(ECHO_COLUMNS, ECHO_ROWS, opts({ format: 'value', columns: ['Size', 'Name', 'Size'] }));
    expect(out).toBe('20 web-1\n120 db "primary", 1\n app-1\n');
  });
  it('rejects an unknown column with a usage error listing the valid ones', async () => {
    const err = await formatList(ECHO_COLUMNS, ECHO_ROWS, opts({ columns: ['Nope'] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toBe("no such column: 'Nope' (valid: ID, Name, Status, Size, Volumes, Metadata)");
  });
  it('rejects an unknown field in show', async () => {
    await expect(formatShow(ECHO_FIELDS, opts({ columns: ['ID'] }))).rejects.toThrow(/no such column: 'ID' \(valid: id, name/);
  });
  it('sorts numerically with nulls last, stable', async () => {
    const out = await formatList(ECHO_COLUMNS, ECHO_ROWS, opts({ format: 'value', columns: ['Name'], sortColumns: ['Size'] }));
    expect(out).toBe('web-1\ndb "primary", 1\napp-1\n');
    const byStatus = await formatList(ECHO_COLUMNS, ECHO_ROWS, opts({ format: 'value', columns: ['Name'], sortColumns: ['Status', 'Name'] }));
    expect(byStatus).toBe('app-1\nweb-1\ndb "primary", 1\n');
  });
  it('rejects an unknown sort column', async () => {
    await expect(formatList(ECHO_COLUMNS, ECHO_ROWS, opts({ sortColumns: ['x'] }))).rejects.toBeInstanceOf(UsageError);
  });
  it('prints nothing for an empty table unless --print-empty', async () => {
    expect(await formatList(['A', 'B'], [], opts())).toBe('');
    expect(await formatList(['A', 'B'], [], opts({ printEmpty: true }))).toBe('+---+---+\n| A | B |\n+---+---+\n+---+---+\n');
    expect(await formatList(['A'], [], opts({ format: 'json' }))).toBe('[]\n');
  });
  it('json keeps real structures and turns undefined/Date into null/ISO', async () => {
    const out = await formatShow({ a: undefined, d: new Date('2026-01-02T03:04:05Z'), l: [1, { x: 2 }] }, opts({ format: 'json', noindent: true }));
    expect(JSON.parse(out)).toEqual({ a: null, d: '2026-01-02T03:04:05.000Z', l: [1, { x: 2 }] });
  });
});
