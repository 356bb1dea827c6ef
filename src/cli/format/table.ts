import { cellLines } from './cell.js';

/** Fit the table into `width` characters, wrapping no column below `minWidth` (cliff's rule). */
export interface TableWidth {
  width: number;
  minWidth: number;
}

/** A prettytable-style table (OSC's look): +---+ borders, left-aligned, multi-line cells. */
export function formatTable(headers: string[], rows: unknown[][], fit?: TableWidth): string {
  let cells = rows.map((row) => row.map(cellLines));
  let widths = columnWidths(
    headers.map((h) => [h]),
    cells,
  );
  const limits = fit ? shrinkWidths(widths, fit) : undefined;
  const heads = limits ? headers.map((h, i) => wrapLines([h], limits[i])) : headers.map((h) => [h]);
  if (limits) {
    cells = cells.map((row) => row.map((c, i) => wrapLines(c, limits[i])));
    widths = columnWidths(heads, cells);
  }
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (parts: string[]): string => `|${parts.map((p, i) => ` ${pad(p, widths[i]!)} `).join('|')}|`;
  const out = [rule, ...block(heads, line), rule];
  for (const row of cells) out.push(...block(row, line));
  out.push(rule);
  return `${out.join('\n')}\n`;
}

function block(row: string[][], line: (parts: string[]) => string): string[] {
  const height = Math.max(1, ...row.map((c) => c.length));
  const out: string[] = [];
  for (let j = 0; j < height; j++) out.push(line(row.map((c) => c[j] ?? '')));
  return out;
}

/** The widest line of each column, header included (a loop: spreading 2·10⁵ rows into Math.max overflows the stack). */
function columnWidths(heads: string[][], cells: string[][][]): number[] {
  return heads.map((h, i) => {
    let width = 0;
    for (const line of h) width = Math.max(width, textWidth(line));
    for (const row of cells) for (const line of row[i] ?? ['']) width = Math.max(width, textWidth(line));
    return width;
  });
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
