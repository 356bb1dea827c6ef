import type { Writable } from 'node:stream';
import type { OutputOptions } from '../output-options.js';
import { cellLines, toJsonValue } from './cell.js';
import { formatCsvHeader, formatCsvRows } from './csv.js';
import { formatList, listTableWidth } from './index.js';
import { compactCell, tableChunks, type Cell } from './table.js';
import { selectColumns } from './select.js';
import { formatValueRows } from './value.js';

type Row = Record<string, unknown>;

/** How one format writes a list chunk by chunk: what comes before the first row, each chunk, and the end. */
interface ChunkWriter {
  start: string;
  chunk(rows: Row[], first: boolean): Promise<string> | string;
  end: string;
}

/**
 * Writes a streamed list to `out` as its chunks come, with the same bytes `formatList` would print for all
 * the rows at once. A table (its widths need every row: see writeTable) or a --sort-column gathers the rows first. The first
 * chunk is awaited before anything is written, so an error before it (auth, config, the inventory) leaves
 * stdout empty; an error later leaves the rows already written, and the caller reports it.
 */
export async function writeListStream(
  allColumns: string[],
  chunks: AsyncIterable<Row[]>,
  opts: OutputOptions,
  out: NodeJS.WritableStream,
  blockChars = BLOCK_CHARS,
): Promise<void> {
  if (opts.sortColumns.length > 0) return writeGathered(allColumns, chunks, opts, out);
  const columns = selectColumns(allColumns, opts.columns);
  if (opts.format === 'table') return writeTable(columns, chunks, opts, out);
  const writer = chunkWriter(columns, opts);
  if (!writer) return writeGathered(allColumns, chunks, opts, out);
  const block = new Block(out, blockChars);
  let first = true;
  try {
    for await (const chunk of flushingWhenIdle(chunks, () => block.flush())) {
      if (chunk.length === 0) continue;
      await block.add((first ? writer.start : '') + (await writer.chunk(chunk, first)));
      first = false;
    }
  } catch (err) {
    // The rows made before the error are written (the caller then reports it); a failing write does not hide it.
    await block.flush().catch(() => undefined);
    throw err;
  }
  await block.flush();
  // No row at all: exactly what the format prints for an empty list ("[]", a CSV header, nothing…).
  await write(out, first ? await formatList(allColumns, [], opts) : writer.end);
}

/**
 * Characters a streamed list holds before it writes them: chunks that come back to back (the list ahead of
 * its reader) go out together, not one write each (10⁴ writes, and as many wake-ups of the reader, for a
 * list of 10⁴ instances). Whatever is held goes out as soon as the next chunk is not ready (flushingWhenIdle).
 */
const BLOCK_CHARS = 64 * 1024;

/** Texts held until they reach `limit` characters or are flushed, then written as one. */
class Block {
  private parts: string[] = [];
  private size = 0;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly limit: number,
  ) {}

  async add(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.limit) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.size = 0;
    await write(this.out, text);
  }
}

const NOT_YET = Symbol('not yet');

/**
 * The items of `source`, in order; when the next one is not ready by the next turn of the event loop (the
 * producer waits for the network, a journal read…), `idle()` runs before waiting for it. So a held row never
 * waits for the list: only rows that are ready one after the other are held together.
 */
async function* flushingWhenIdle<T>(source: AsyncIterable<T>, idle: () => Promise<void>): AsyncGenerator<T, void, undefined> {
  const items = source[Symbol.asyncIterator]();
  // Set once the source ended or failed by itself: it is not asked to return then (as for-await does not).
  let settled = false;
  const step = (next: Promise<IteratorResult<T>>): Promise<IteratorResult<T>> =>
    next.then(
      (result) => ((settled = result.done === true), result),
      (err: unknown) => {
        settled = true;
        throw err;
      },
    );
  try {
    for (;;) {
      const next = step(items.next());
      let result = await Promise.race([next, nextTurn()]);
      if (result === NOT_YET) {
        try {
          await idle();
        } catch (err) {
          // The write failed while the source is still making its next item: it is told to stop without
          // waiting for that item (its return is queued behind it), and the write's error is reported now.
          settled = true;
          void Promise.resolve(items.return?.()).catch(() => undefined);
          throw err;
        }
        result = await next;
      }
      if (result.done) return;
      yield result.value;
    }
  } finally {
    // Left at a yield (a write failed, the consumer stopped): the source stops too, as a for-await over it would.
    if (!settled) await items.return?.();
  }
}

function nextTurn(): Promise<typeof NOT_YET> {
  return new Promise((resolve) => setImmediate(resolve, NOT_YET));
}

/** Every row first, then the whole list as formatList prints it (--sort-column needs them all). */
async function writeGathered(allColumns: string[], chunks: AsyncIterable<Row[]>, opts: OutputOptions, out: NodeJS.WritableStream): Promise<void> {
  const rows: Row[] = [];
  for await (const chunk of chunks) for (const row of chunk) rows.push(row);
  await write(out, await formatList(allColumns, rows, opts));
}

/**
 * A table: its widths need every row, so the rows are gathered, but only as their cells' text (the rows and
 * what they were made from are garbage chunk by chunk), and the text is written a part at a time.
 */
async function writeTable(columns: string[], chunks: AsyncIterable<Row[]>, opts: OutputOptions, out: NodeJS.WritableStream): Promise<void> {
  const cells: Cell[][] = [];
  for await (const chunk of chunks) for (const row of chunk) cells.push(columns.map((c) => compactCell(cellLines(row[c]))));
  if (cells.length === 0 && !opts.printEmpty) return;
  for (const text of tableChunks(columns, cells, listTableWidth(opts))) await write(out, text);
}

/** The chunk writer of a format that prints rows as they come; undefined for any other (formatList then refuses it). */
function chunkWriter(columns: string[], opts: OutputOptions): ChunkWriter | undefined {
  // The row's JSON value: plain values as they are, the others (lists, dates…) through toJsonValue.
  const pick = (row: Row): Row => {
    const picked: Row = {};
    for (const c of columns) {
      const v = row[c];
      picked[c] = v === undefined || v === null ? null : typeof v === 'object' || typeof v === 'bigint' ? toJsonValue(v) : v;
    }
    return picked;
  };
  const matrix = (rows: Row[]): unknown[][] => rows.map((row) => columns.map((c) => row[c]));
  switch (opts.format) {
    case 'json':
      // JSON.stringify(rows, null, 2) is "[\n" + the rows indented by two and joined by ",\n" + "\n]": a chunk's
      // own array without its brackets is its part of the whole.
      if (opts.noindent) return { start: '[', chunk: (rows, first) => (first ? '' : ',') + JSON.stringify(rows.map(pick)).slice(1, -1), end: ']\n' };
      return { start: '[\n', chunk: (rows, first) => (first ? '' : ',\n') + JSON.stringify(rows.map(pick), null, 2).slice(2, -2), end: '\n]\n' };
    case 'yaml':
      // A YAML sequence is its items one after the other: the chunks' sequences, concatenated.
      return {
        start: '',
        chunk: async (rows) => {
          const { stringify } = await import('yaml');
          return stringify(toJsonValue(rows.map(pick)));
        },
        end: '',
      };
    case 'value':
      return { start: '', chunk: (rows) => formatValueRows(matrix(rows)), end: '' };
    case 'csv':
      return { start: formatCsvHeader(columns, opts.quote), chunk: (rows) => formatCsvRows(matrix(rows), opts.quote), end: '' };
    default:
      return undefined;
  }
}

/** Writes, then waits for the stream to drain when it asks to (a slow reader at the other end of a pipe). */
async function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (text.length > 0 && !out.write(text)) await drained(out);
}

/**
 * Resolves on 'drain'; rejects when the stream fails or closes first, or has already (a stream that failed
 * earlier never drains, and waiting for it would hang the command).
 */
function drained(out: NodeJS.WritableStream): Promise<void> {
  const state = out as Partial<Pick<Writable, 'destroyed' | 'errored'>>;
  if (state.errored || state.destroyed) {
    const err = state.errored ?? new Error('output closed before it was written');
    // A turn later: the stream's own 'error' event, emitted on the next tick, is heard first (the CLI exits
    // quietly on EPIPE, a reader that went away, as `ccsnap list | head` does).
    return new Promise((_resolve, reject) => setImmediate(reject, err));
  }
  return new Promise((resolve, reject) => {
    const settle = (err?: Error): void => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => settle();
    const onError = (err: Error): void => settle(err);
    const onClose = (): void => settle(new Error('output closed before it was written'));
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}
