/** virsh's table layout (vshTable): a header, a dash line, rows, and an empty line. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => ` ${cells.map((c, i) => c.padEnd(widths[i]!)).join('   ')}`.trimEnd();
  const dashes = '-'.repeat(3 + widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1));
  return [line(header), dashes, ...rows.map(line), '', ''].join('\n');
}
