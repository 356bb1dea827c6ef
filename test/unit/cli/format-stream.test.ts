import { once } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ECHO_COLUMNS, ECHO_ROWS } from '../../../src/cli/commands/echo-data.js';
import { formatList } from '../../../src/cli/format/index.js';
import { writeListStream } from '../../../src/cli/format/stream.js';
import { readOutputOptions, type OutputOptions } from '../../../src/cli/output-options.js';

type Row = Record<string, unknown>;

function opts(over: Partial<OutputOptions> = {}): OutputOptions {
  return { ...readOutputOptions({}), ...over };
}

/** The echo rows (nested values, nulls, quotes, non-ASCII) many times over, with a row number. */
const ROWS: Row[] = Array.from({ length: 7 }, (_, i) => ECHO_ROWS.map((r) => ({ ...r, ID: `${String(r.ID)}-${i}` }))).flat();

async function* chunked(rows: Row[], sizes: number[]): AsyncGenerator<Row[]> {
  let at = 0;
  for (let i = 0; at < rows.length; i++) {
    const n = sizes[i % sizes.length]!;
    yield rows.slice(at, at + n);
    at += n;
  }
}

async function streamed(rows: Row[], o: OutputOptions, sizes = [1, 3, 0, 5]): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => (text += b.toString('utf8')));
  await writeListStream(ECHO_COLUMNS, chunked(rows, sizes), o, out);
  return text;
}

describe('a streamed list prints the bytes of the whole list', () => {
  const cases: Array<[string, Partial<OutputOptions>]> = [
    ['json', { format: 'json' }],
    ['json --noindent', { format: 'json', noindent: true }],
    ['yaml', { format: 'yaml' }],
    ['value', { format: 'value' }],
    ['csv', { format: 'csv' }],
    ['csv --quote all', { format: 'csv', quote: 'all' }],
    ['csv --quote minimal', { format: 'csv', quote: 'minimal' }],
    ['table', { format: 'table' }],
    ['table --max-width 70', { format: 'table', maxWidth: 70 }],
    ['table --print-empty', { format: 'table', printEmpty: true }],
    ['json -c Name -c ID', { format: 'json', columns: ['Name', 'ID'] }],
    ['value --sort-column Name --sort-descending', { format: 'value', sortColumns: ['Name'], sortDescending: true }],
  ];
  for (const [name, over] of cases) {
    it(`-f ${name}`, async () => {
      const o = opts(over);
      expect(await streamed(ROWS, o)).toBe(await formatList(ECHO_COLUMNS, ROWS, o));
      expect(await streamed(ROWS.slice(0, 1), o)).toBe(await formatList(ECHO_COLUMNS, ROWS.slice(0, 1), o));
      expect(await streamed([], o)).toBe(await formatList(ECHO_COLUMNS, [], o));
    });
  }

  it('json of plain rows (their own JSON value, as `ccsnap list` makes them) and of rows that are not', async () => {
    const columns = ['Name', 'Size', 'Label', 'Ok', 'Ratio'];
    const rows: Row[] = [
      { Name: 'vm-1 "quoted"', Size: 10, Label: null, Ok: true, Ratio: 0.5 },
      { Name: 'vm-2\nnewline', Size: -0, Label: 'é', Ok: false, Ratio: Number.NaN },
      { Size: 3, Name: 'keys in another order', Label: undefined, Ok: true, Ratio: 1 },
      { Name: 'an extra key', Size: 1, Label: null, Ok: true, Ratio: 1, Extra: 'hidden' },
    ];
    async function* chunks(): AsyncGenerator<Row[]> {
      yield rows.slice(0, 1);
      yield rows.slice(1);
    }
    for (const noindent of [false, true]) {
      const out = new PassThrough();
      let text = '';
      out.on('data', (b: Buffer) => (text += b.toString('utf8')));
      await writeListStream(columns, chunks(), opts({ format: 'json', noindent }), out);
      expect(text).toBe(await formatList(columns, rows, opts({ format: 'json', noindent })));
      expect(text).not.toContain('hidden');
    }
  });

  it('a table of more rows than one part of its text', async () => {
    const many = Array.from({ length: 2600 }, (_, i) => ({ ...ROWS[i % ROWS.length]!, ID: `row-${i}` }));
    for (const o of [opts({ format: 'table' }), opts({ format: 'table', maxWidth: 90 })])
      expect(await streamed(many, o, [700, 1, 1300])).toBe(await formatList(ECHO_COLUMNS, many, o));
  });

  it('writes what it holds before it waits for a chunk that is not ready, and joins chunks that come back to back', async () => {
    const writes: string[] = [];
    const out = new PassThrough();
    out.on('data', (b: Buffer) => writes.push(b.toString('utf8')));
    let release!: () => void;
    const network = new Promise<void>((resolve) => (release = resolve));
    async function* chunks(): AsyncGenerator<Row[]> {
      yield ROWS.slice(0, 1);
      yield ROWS.slice(1, 2);
      // The producer now waits (for the network, say): what it made so far must be out by then.
      await network;
      yield ROWS.slice(2, 3);
      yield ROWS.slice(3, 4);
    }
    const o = opts({ format: 'value' });
    const run = writeListStream(ECHO_COLUMNS, chunks(), o, out);
    await once(out, 'data');
    // The two chunks that were ready one after the other went out as one write, before the wait ended.
    expect(writes).toEqual([await formatList(ECHO_COLUMNS, ROWS.slice(0, 2), o)]);
    release();
    await run;
    expect(writes).toHaveLength(2);
    expect(writes.join('')).toBe(await formatList(ECHO_COLUMNS, ROWS.slice(0, 4), o));
  });

  it('writes a block as soon as it holds the block size, and stops the source when a write fails', async () => {
    const writes: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        writes.push(chunk.toString('utf8'));
        done(writes.length === 2 ? new Error('EPIPE') : null);
      },
    });
    out.on('error', () => undefined);
    let pulled = 0;
    let stopped = false;
    async function* chunks(): AsyncGenerator<Row[]> {
      try {
        for (const row of ROWS) {
          pulled++;
          yield [row];
        }
      } finally {
        stopped = true;
      }
    }
    const o = opts({ format: 'value' });
    const oneRow = (await formatList(ECHO_COLUMNS, ROWS.slice(0, 1), o)).length;
    await expect(writeListStream(ECHO_COLUMNS, chunks(), o, out, oneRow * 2)).rejects.toThrow();
    expect(writes[0]!.length).toBeGreaterThanOrEqual(oneRow * 2);
    expect(pulled).toBeLessThan(ROWS.length);
    expect(stopped).toBe(true);
  });

  it('a write that fails while the next chunk is still coming reports the write, and the chunk failing later is handled', async () => {
    let release!: () => void;
    const network = new Promise<void>((resolve) => (release = resolve));
    const out = new Writable({
      write(_chunk: Buffer, _enc, done) {
        done(new Error('EPIPE'));
        // The chunk being made fails only after the write did.
        setImmediate(release);
      },
    });
    out.on('error', () => undefined);
    async function* chunks(): AsyncGenerator<Row[]> {
      yield ROWS.slice(0, 1);
      await network;
      throw new Error('array down');
    }
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(writeListStream(ECHO_COLUMNS, chunks(), opts({ format: 'value' }), out)).rejects.toThrow('EPIPE');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('a write that fails while the source is still making its next chunk is reported without waiting for that chunk', async () => {
    const out = new Writable({
      write(_chunk: Buffer, _enc, done) {
        done(new Error('EIO'));
      },
    });
    out.on('error', () => undefined);
    let stopped = false;
    async function* chunks(): AsyncGenerator<Row[]> {
      try {
        yield ROWS.slice(0, 1);
        // A chunk that never comes (an array that does not answer): the error must not wait for it.
        await new Promise<never>(() => undefined);
      } finally {
        stopped = true;
      }
    }
    await expect(writeListStream(ECHO_COLUMNS, chunks(), opts({ format: 'value' }), out)).rejects.toThrow('EIO');
    expect(stopped).toBe(false);
  });

  it('rejects, never hangs, when the output failed before a write (a failed stream never drains)', async () => {
    const out = new Writable({
      write(_chunk: Buffer, _enc, done) {
        done();
      },
    });
    out.on('error', () => undefined);
    out.destroy(new Error('EIO'));
    await new Promise((resolve) => out.once('close', resolve));
    async function* chunks(): AsyncGenerator<Row[]> {
      for (const row of ROWS) yield [row];
    }
    await expect(writeListStream(ECHO_COLUMNS, chunks(), opts({ format: 'value' }), out, 1)).rejects.toThrow('EIO');
  });

  it('an error before the first row writes nothing; a later one keeps the rows written', async () => {
    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString('utf8');
        done();
      },
    });
    // eslint-disable-next-line require-yield
    async function* early(): AsyncGenerator<Row[]> {
      throw new Error('auth failed');
    }
    await expect(writeListStream(ECHO_COLUMNS, early(), opts({ format: 'json' }), out)).rejects.toThrow('auth failed');
    expect(text).toBe('');
    async function* late(): AsyncGenerator<Row[]> {
      yield ROWS.slice(0, 1);
      throw new Error('array down');
    }
    await expect(writeListStream(ECHO_COLUMNS, late(), opts({ format: 'csv' }), out)).rejects.toThrow('array down');
    expect(text).toBe(await formatList(ECHO_COLUMNS, ROWS.slice(0, 1), opts({ format: 'csv' })));
  });

  it('waits for a slow reader to drain before writing more', async () => {
    const written: string[] = [];
    const pending: Array<() => void> = [];
    const out = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, done) {
        written.push(chunk.toString('utf8'));
        pending.push(done);
      },
    });
    let produced = 0;
    async function* chunks(): AsyncGenerator<Row[]> {
      for (const row of ROWS.slice(0, 3)) {
        produced++;
        yield [row];
      }
    }
    // Blocks of one character: each chunk is written on its own.
    const run = writeListStream(ECHO_COLUMNS, chunks(), opts({ format: 'value' }), out, 1);
    await new Promise((resolve) => setImmediate(resolve));
    // The first write filled the buffer: no further chunk is pulled until the reader takes it.
    expect(produced).toBe(1);
    while (produced < 3 || pending.length > 0) {
      pending.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await run;
    expect(written.join('')).toBe(await formatList(ECHO_COLUMNS, ROWS.slice(0, 3), opts({ format: 'value' })));
  });
});
