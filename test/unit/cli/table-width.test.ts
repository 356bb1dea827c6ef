import { describe, expect, it } from 'vitest';
import { formatTable, shrinkWidths, wrapLines } from '../../../src/cli/format/table.js';
import { Capture, start } from './helpers.js';

const widest = (out: string) =>
  Math.max(
    ...out
      .trimEnd()
      .split('\n')
      .map((l) => l.length),
  );

describe('table width (cliff --max-width / --fit-width)', () => {
  it('shrinkWidths: leaves a table that fits alone; else the wide columns share what the narrow ones leave', () => {
    expect(shrinkWidths([5, 5], { width: 80, minWidth: 8 })).toEqual([undefined, undefined]);
    // width 40, 3 columns: usable 40 - 1 - 9 = 30, optimal 10; the 4-wide column keeps its width, 26 left for two.
    expect(shrinkWidths([4, 30, 50], { width: 40, minWidth: 8 })).toEqual([undefined, 13, 13]);
    // never below the minimum width (the table then overflows, as in cliff)
    expect(shrinkWidths([30, 30, 30], { width: 20, minWidth: 8 })).toEqual([8, 8, 8]);
  });

  it('formats a table of 2·10⁵ rows (the list of 10 000 instances), its columns as wide as their widest line', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`vm-${i}`, i === 123_456 ? 'the widest cell' : 'ok']);
    const lines = formatTable(['Name', 'Status'], rows).trimEnd().split('\n');
    expect(lines).toHaveLength(200_000 + 4);
    expect(lines[0]).toBe(`+${'-'.repeat(11)}+${'-'.repeat(17)}+`);
    expect(lines[3]).toBe(`| vm-0      | ok              |`);
  });

  it('counts a character outside the BMP (a surrogate pair) as one', () => {
    expect(formatTable(['X'], [['\u{1F642}abc'], ['ab']])).toBe('+------+\n| X    |\n+------+\n| \u{1F642}abc |\n| ab   |\n+------+\n');
  });

  it('wrapLines: at spaces where possible, long words are cut', () => {
    expect(wrapLines(['one two three'], 8)).toEqual(['one two', 'three']);
    expect(wrapLines(['abcdefghij'], 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapLines(['short'], 8)).toEqual(['short']);
  });

  it('--max-width fits a wide table; without it the table is as wide as its content', async () => {
    const wide = start(['_echo']);
    expect(await wide.code).toBe(0);
    const narrow = start(['_echo', '--max-width', '70']);
    expect(await narrow.code).toBe(0);
    expect(widest(wide.stdout.text)).toBeGreaterThan(70);
    expect(widest(narrow.stdout.text)).toBeLessThanOrEqual(70);
  });

  it('--fit-width uses the terminal width, CLIFF_MAX_TERM_WIDTH sets a default the flag overrides', async () => {
    const tty = Object.assign(new Capture(), { columns: 75 });
    const fit = start(['_echo', '--fit-width'], {}, { stdout: tty, isTTY: true });
    expect(await fit.code).toBe(0);
    expect(widest(tty.text)).toBeLessThanOrEqual(75);
    const env = start(['_echo'], { CLIFF_MAX_TERM_WIDTH: '72' });
    expect(await env.code).toBe(0);
    expect(widest(env.stdout.text)).toBeLessThanOrEqual(72);
    const flag = start(['_echo', '--max-width', '0'], { CLIFF_MAX_TERM_WIDTH: '72' });
    expect(await flag.code).toBe(0);
    expect(widest(flag.stdout.text)).toBeGreaterThan(72);
  });

  it('--sort-ascending and --sort-descending conflict (usage error, exit 2)', async () => {
    const r = start(['_echo', '--sort-column', 'Name', '--sort-ascending', '--sort-descending']);
    expect(await r.code).toBe(2);
  });
});
