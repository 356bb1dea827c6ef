import { cellLines } from './cell.js';

/** Fit the table into `width` characters, wrapping no column below `minWidth` (cliff's rule). */
export interface TableWidth {
  width: number;
  minWidth: number;
}

/** A prettytable-style table (OSC's look): +---+ borders, left-aligned, multi-line cells. */
export function formatTable(headers: string[], rows: unknown[][], fit?: TableWidth): string {
  let out = '';
  for (const text of tableChunks(
    headers,
    rows.map((row) => row.map((v) => compactCell(cellLines(v)))),
    fit,
  ))
    out += text;
  return out;
}

/**
 * A cell's lines (cellLines); a one-line cell may be its text alone (a table of 2·10⁵ rows gathered for its
 * widths holds 2·10⁶ cells: an array each would be ~100 MB).
 */
export type Cell = string | string[];

/** A cell as `tableChunks` keeps it: one-line cells as their text. */
export function compactCell(lines: string[]): Cell {
  return lines.length === 1 ? lines[0]! : lines;
}

function linesOf(cell: Cell | undefined): string[] {
  return cell === undefined ? [''] : typeof cell === 'string' ? [cell] : cell;
}

/** Rows of a table per chunk of `tableChunks` (a table of 2·10⁵ rows is written a part at a time). */
const ROWS_PER_CHUNK = 1000;

/**
 * The text of `formatTable`, in parts: the header, then the rows a thousand at a time, then the last rule.
 * `cells`: each row's cells as lines (cellLines). With `fit`, each row is wrapped as its chunk is made, so
 * a long table is never all wrapped text at once.
 */
export function* tableChunks(headers: string[], cells: Cell[][], fit?: TableWidth): Generator<string, void, undefined> {
  let widths = columnWidths(
    headers.map((h) => [h]),
    cells,
  );
  const limits = fit ? shrinkWidths(widths, fit) : undefined;
  const heads = limits ? headers.map((h, i) => wrapLines([h], limits[i])) : headers.map((h) => [h]);
  const wrap = (row: Cell[]): Cell[] => (limits ? row.map((c, i) => wrapLines(linesOf(c), limits[i])) : row);
  if (limits) widths = columnWidths(heads, cells, wrap);
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (parts: string[]): string => `|${parts.map((p, i) => ` ${pad(p, widths[i]!)} `).join('|')}|`;
  yield `${[rule, ...block(heads, line), rule].join('\n')}\n`;
  for (let at = 0; at < cells.length; at += ROWS_PER_CHUNK) {
    let text = '';
    for (const row of cells.slice(at, at + ROWS_PER_CHUNK)) for (const l of block(wrap(row), line)) text += `${l}\n`;
    yield text;
  }
  yield `${rule}\n`;
}

function block(row: Cell[], line: (parts: string[]) => string): string[] {
  const lines = row.map(linesOf);
  const height = Math.max(1, ...lines.map((c) => c.length));
  const out: string[] = [];
  for (let j = 0; j < height; j++) out.push(line(lines.map((c) => c[j] ?? '')));
  return out;
}

/**
 * The widest line of each column, header included, of the rows as `wrap` makes them (a loop: spreading 2·10⁵
 * rows into Math.max overflows the stack).
 */
function columnWidths(heads: string[][], cells: Cell[][], wrap?: (row: Cell[]) => Cell[]): number[] {
  const widths = heads.map((h) => h.reduce((w, line) => Math.max(w, textWidth(line)), 0));
  for (const raw of cells) {
    const row = wrap ? wrap(raw) : raw;
    for (let i = 0; i < widths.length; i++) for (const line of linesOf(row[i])) widths[i] = Math.max(widths[i]!, textWidth(line));
  }
  return widths;
}

/**
 * cliff's _assign_max_widths: if the table is wider than `width`, the columns wider than an equal share
 * split what the narrower ones leave (the last takes the remainder), never below `minWidth`.
 */
export function shrinkWidths(widths: number[], fit: TableWidth): Array<number | undefined> {
  const total = widths.reduce((sum, w) => sum + w + 3, 1);
  if (total <= fit.width || widths.length === 0) return widths.map(() => undefined);
  const usable = fit.width - 1 - 3 * widths.length;
  const optimal = Math.max(0, Math.floor(usable / widths.length));
  const shrink = widths.map((w, i) => (w > optimal ? i : -1)).filter((i) => i >= 0);
  let remaining = usable - widths.reduce((sum, w) => (w > optimal ? sum : sum + w), 0);
  const limits: Array<number | undefined> = widths.map(() => undefined);
  const share = Math.floor(remaining / shrink.length);
  for (const i of shrink.slice(0, -1)) {
    limits[i] = Math.max(fit.minWidth, share);
    remaining -= share;
  }
  limits[shrink.at(-1)!] = Math.max(fit.minWidth, remaining);
  return limits;
}

/** Wraps each line to `limit` characters: at spaces where possible, else hard (like textwrap.fill). */
export function wrapLines(lines: string[], limit: number | undefined): string[] {
  if (!limit || limit < 1) return lines;
  return lines.flatMap((l) => wrapLine(l, limit));
}

function wrapLine(text: string, limit: number): string[] {
  if (textWidth(text) <= limit) return [text];
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/(?<= )/)) {
    let rest = word;
    while (textWidth(current + rest.trimEnd()) > limit) {
      if (current !== '') {
        out.push(current.trimEnd());
        current = '';
        continue;
      }
      const chars = [...rest];
      out.push(chars.slice(0, limit).join(''));
      rest = chars.slice(limit).join('');
    }
    current += rest;
  }
  if (current.trimEnd() !== '' || out.length === 0) out.push(current.trimEnd());
  return out;
}

/** Code points (a surrogate pair is one); without surrogates that is the length, with no array per call (2·10⁶ cells). */
function textWidth(s: string): number {
  return SURROGATE.test(s) ? [...s].length : s.length;
}

const SURROGATE = /[\uD800-\uDFFF]/;

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - textWidth(s)));
}
