/** Summary statistics for benchmark samples (nearest-rank percentiles, as most bench tools report). */

export function percentile(values, q) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * xs.length));
  return xs[Math.min(xs.length, rank) - 1];
}

export function median(values) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

export function summarize(values) {
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length === 0) return { n: 0, median: null, p95: null, min: null, max: null, mean: null };
  return {
    n: xs.length,
    median: round(median(xs)),
    p95: round(percentile(xs, 0.95)),
    min: round(Math.min(...xs)),
    max: round(Math.max(...xs)),
    mean: round(xs.reduce((a, b) => a + b, 0) / xs.length),
  };
}

export function round(x, digits = 1) {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Largest number of [from, to) intervals open at once (an interval ending at t does not overlap one starting at t). */
export function maxOverlap(intervals) {
  const points = [];
  for (const { from, to } of intervals) {
    points.push([from, 1]);
    points.push([to ?? Number.POSITIVE_INFINITY, -1]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let max = 0;
  for (const [, d] of points) {
    open += d;
    max = Math.max(max, open);
  }
  return max;
}
