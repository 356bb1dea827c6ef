import { cellLines } from './cell.js';

/** A prettytable-style table (OSC's look): +---+ borders, left-aligned, multi-line cells. */
export function formatTable(headers: string[], rows: unknown[][]): string {
  const cells = rows.map((row) => row.map(cellLines));
  const widths = headers.map((h, i) => Math.max(textWidth(h), ...cells.map((row) => Math.max(...(row[i] ?? ['']).map(textWidth)))));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (parts: string[]): string => `|${parts.map((p, i) => ` ${pad(p, widths[i]!)} `).join('|')}|`;
  const out = [rule, line(headers), rule];
  for (const row of cells) {
    const height = Math.max(1, ...row.map((c) => c.length));
    for (let j = 0; j < height; j++) out.push(line(row.map((c) => c[j] ?? '')));
  }
  out.push(rule);
  return `${out.join('\n')}\n`;
}

function textWidth(s: string): number {
  return [...s].length;
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - textWidth(s)));
}
