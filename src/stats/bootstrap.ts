import { quantileSorted, sorted } from './quantiles.js';
import { hashSeed, type Rng, seededRng } from './rng.js';

/**
 * Percentile bootstrap confidence intervals. Compare reports the ratio of medians
 * (head / base) because a ratio reads the same for seconds and GFLOP/s, and the median
 * because one slow step must not move the figure. Each side is resampled on its own
 * (the two runs are independent). Seeded per metric name: the same files always give
 * the same interval.
 */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

export const DEFAULT_RESAMPLES = 2000;

export function bootstrapRatioOfMedians(
  base: readonly number[],
  head: readonly number[],
  confidence: number,
  seedKey: string,
  resamples = DEFAULT_RESAMPLES,
): Interval | null {
  if (base.length === 0 || head.length === 0) return null;
  const rng = seededRng(hashSeed(seedKey));
  const ratios = new Float64Array(resamples);
  const bufA = new Float64Array(base.length);
  const bufB = new Float64Array(head.length);
  for (let r = 0; r < resamples; r++) {
    const mb = resampleMedian(base, bufA, rng);
    const mh = resampleMedian(head, bufB, rng);
    ratios[r] = mh / mb;
  }
  ratios.sort();
  const s = Array.from(ratios);
  const tail = (1 - confidence) / 2;
  return { lower: quantileSorted(s, tail), upper: quantileSorted(s, 1 - tail) };
}

/** CI of one sample's median, for the exports' error bars. */
export function bootstrapMedian(
  xs: readonly number[],
  confidence: number,
  seedKey: string,
  resamples = DEFAULT_RESAMPLES,
): Interval | null {
  if (xs.length === 0) return null;
  if (xs.length === 1) return { lower: xs[0]!, upper: xs[0]! };
  const rng = seededRng(hashSeed(seedKey));
  const buf = new Float64Array(xs.length);
  const meds: number[] = [];
  for (let r = 0; r < resamples; r++) meds.push(resampleMedian(xs, buf, rng));
  const s = sorted(meds);
  const tail = (1 - confidence) / 2;
  return { lower: quantileSorted(s, tail), upper: quantileSorted(s, 1 - tail) };
}

function resampleMedian(xs: readonly number[], buf: Float64Array, rng: Rng): number {
  const n = xs.length;
  for (let i = 0; i < n; i++) buf[i] = xs[Math.floor(rng.uniform() * n)]!;
  buf.sort();
  const mid = (n - 1) / 2;
  const lo = buf[Math.floor(mid)]!;
  const hi = buf[Math.ceil(mid)]!;
  return (lo + hi) / 2;
}
