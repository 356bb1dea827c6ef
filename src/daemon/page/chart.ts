import type { FreezeWindow } from '../view.js';
import { esc } from './escape.js';
import { formatInstant, formatMs } from './format.js';

const W = 760;
const H = 240;
const PAD = { left: 64, right: 16, top: 16, bottom: 44 };
/** The y axis is logarithmic from 1 ms to 60 s: freeze windows span 10 ms to 30 s. */
const Y_TICKS_MS = [1, 10, 100, 1000, 10_000, 60_000];
const MIN_SPAN_MS = 60_000;

/**
 * An inline SVG scatter chart of freeze windows over time: x = when the set was made (UTC), y = frozen
 * time on a log scale. A window the watchdog ended is drawn as a red diamond (and says so in its title).
 */
export function renderFreezeChart(points: FreezeWindow[], now: Date): string {
  const end = now.getTime();
  const first = points.length ? Math.min(...points.map((p) => Date.parse(p.at))) : end - MIN_SPAN_MS;
  const span = Math.max(end - first, MIN_SPAN_MS);
  const start = end - span * 1.1;
  const x = (t: number): number => PAD.left + ((t - start) / (end - start)) * (W - PAD.left - PAD.right);
  const logMin = Math.log10(Y_TICKS_MS[0]!);
  const logMax = Math.log10(Y_TICKS_MS.at(-1)!);
  const y = (ms: number): number => {
    const v = Math.min(Math.max(Math.log10(Math.max(ms, 1)), logMin), logMax);
    return H - PAD.bottom - ((v - logMin) / (logMax - logMin)) * (H - PAD.top - PAD.bottom);
  };
  const summary = points.length
    ? `${points.length} freeze windows from ${formatInstant(new Date(first).toISOString())} to ${formatInstant(now.toISOString())}, longest ${formatMs(Math.max(...points.map((p) => p.frozenMs)))}`
    : 'No freeze windows in this period';
  return [
    `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="chart-title">Freeze windows over time</title><desc id="chart-desc">${esc(summary)}</desc>`,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" class="plot"/>`,
    ...Y_TICKS_MS.map(
      (ms) =>
        `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(ms)}" y2="${y(ms)}" class="grid"/><text x="${PAD.left - 6}" y="${y(ms) + 4}" class="tick" text-anchor="end">${esc(formatMs(ms))}</text>`,
    ),
    ...timeTicks(start, end).map(
      (t) =>
        `<line x1="${x(t)}" x2="${x(t)}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom + 5}" class="axis"/><text x="${x(t)}" y="${H - PAD.bottom + 18}" class="tick" text-anchor="middle">${esc(tickLabel(t, end - start))}</text>`,
    ),
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 6}" class="label" text-anchor="middle">time (UTC)</text>`,
    `<text x="14" y="${(PAD.top + H - PAD.bottom) / 2}" class="label" text-anchor="middle" transform="rotate(-90 14 ${(PAD.top + H - PAD.bottom) / 2})">frozen (log scale)</text>`,
    ...points.map((p) => point(p, x(Date.parse(p.at)), y(p.frozenMs))),
    !points.length
      ? `<text x="${(PAD.left + W - PAD.right) / 2}" y="${(PAD.top + H - PAD.bottom) / 2}" class="empty" text-anchor="middle">no freeze windows yet</text>`
      : '',
    '</svg>',
  ].join('\n');
}

function point(p: FreezeWindow, cx: number, cy: number): string {
  const title = `<title>${esc(`${p.instanceName}: ${formatMs(p.frozenMs)} at ${formatInstant(p.at)}${p.thawedBy === 'watchdog' ? ', thawed by the watchdog' : ''} (set ${p.setId})`)}</title>`;
  if (p.thawedBy === 'watchdog') {
    return `<path d="M${cx} ${cy - 6}L${cx + 6} ${cy}L${cx} ${cy + 6}L${cx - 6} ${cy}Z" class="pt watchdog">${title}</path>`;
  }
  return `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="4" class="pt">${title}</circle>`;
}

/** About five ticks at round steps (10 s … 1 week). */
function timeTicks(start: number, end: number): number[] {
  const steps = [10_000, 15_000, 30_000, 60_000, 300_000, 900_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000];
  const step = steps.find((s) => (end - start) / s <= 6) ?? steps.at(-1)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(t);
  return ticks;
}

function tickLabel(t: number, span: number): string {
  const iso = new Date(t).toISOString();
  if (span > 2 * 86_400_000) return iso.slice(5, 10);
  return span < 10 * 60_000 ? iso.slice(11, 19) : iso.slice(11, 16);
}
