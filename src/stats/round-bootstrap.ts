import { normalUpperQuantile, normalUpperTail } from './normal.js';
import { quantileSorted } from './quantiles.js';
import { seededRng } from './rng.js';

/**
 * Paired (block) bootstrap over rounds. A measured run interleaves its policies round by round,
 * so the steps of one round ran moments apart and share the local device's state (host load,
 * clocks): they are one observation, not independent ones. Resampling whole rounds (one list of
 * round indices drawn with replacement, used for every policy alike) keeps that pairing, so a
 * per-round speedup's numerator and denominator stay together and the interval of a ratio is not
 * inflated by drift that cancels inside a round.
 *
 * The interval is the expanded percentile interval (Hesterberg 2015) of the statistic recomputed
 * on each resample: the percentile interval, whose tails are taken at
 * Phi(-sqrt(n/(n-1)) t_{n-1}) instead of the nominal (1 - confidence)/2, which undoes the plain
 * percentile interval's known narrowness with few rounds (at 16 rounds 1.4% tails for a 95%
 * interval instead of 2.5%; it tends to the nominal as rounds grow). Why not
 * BCa: the figures are compositions of per-class medians, and the jackknife that BCa's
 * acceleration needs is inconsistent for medians; the bias correction also needs a smooth
 * statistic. The percentile interval is transformation-respecting (a speedup's interval is the
 * reciprocal of the step ratio's) and needs nothing but recomputation. Its coverage is measured
 * by test/measured-ci.test.ts.
 */

export interface RoundBootstrapOptions {
  /** Number of resamples (2000 for reported intervals; fewer suffice for a stopping check). */
  readonly resamples: number;
  /** Two-sided confidence, e.g. 0.95. */
  readonly confidence: number;
  /** Seed of the resampling stream: the same run always gives the same intervals. */
  readonly seed: number;
}

/**
 * Percentile intervals of a vector-valued statistic of `rounds` rounds. `statistic` receives
 * the resampled round indices (length `rounds`, with repeats) and returns one value per figure;
 * non-finite values of a resample are left out of that figure's interval. Returns one
 * [lo, hi] per figure (NaN, NaN where no resample gave a finite value). With fewer than two
 * rounds there is nothing to resample: every interval is the statistic itself.
 */
export function roundBootstrap(
  rounds: number,
  statistic: (indices: readonly number[]) => readonly number[],
  options: RoundBootstrapOptions,
): [number, number][] {
  const all = Array.from({ length: rounds }, (_, i) => i);
  const point = statistic(all);
  if (rounds < 2) return point.map((x) => [x, x]);
  const rng = seededRng(options.seed);
  const draws: number[][] = point.map(() => []);
  const indices = new Array<number>(rounds);
  for (let r = 0; r < options.resamples; r++) {
    for (let i = 0; i < rounds; i++) indices[i] = Math.floor(rng.uniform() * rounds);
    const values = statistic(indices);
    values.forEach((v, f) => {
      if (Number.isFinite(v)) draws[f]?.push(v);
    });
  }
  const tail = expandedTail(options.confidence, rounds);
  return draws.map((d) => {
    if (d.length === 0) return [Number.NaN, Number.NaN];
    d.sort((a, b) => a - b);
    return [quantileSorted(d, tail), quantileSorted(d, 1 - tail)];
  });
}

/** The tail probability of the expanded percentile interval at n observations. */
export function expandedTail(confidence: number, n: number): number {
  const nominal = (1 - confidence) / 2;
  if (n < 3) return nominal;
  return normalUpperTail(Math.sqrt(n / (n - 1)) * studentUpperQuantile(nominal, n - 1));
}

/**
 * The t with P(T > t) = q for Student's t with nu degrees of freedom: the Cornish-Fisher
 * expansion around the normal quantile (Abramowitz and Stegun 26.7.5; within 1e-3 from nu = 5).
 */
export function studentUpperQuantile(q: number, nu: number): number {
  const z = normalUpperQuantile(q);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * nu) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * nu ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * nu ** 3)
  );
}

/** Weighted least-squares line y = a + b x, with its weighted R^2. */
export interface LineFit {
  readonly intercept: number;
  readonly slope: number;
  readonly r2: number;
}

export function weightedLine(x: readonly number[], y: readonly number[], w: readonly number[]): LineFit {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w[i] ?? 0;
    sw += wi;
    sx += wi * (x[i] ?? 0);
    sy += wi * (y[i] ?? 0);
  }
  const mx = sx / sw;
  const my = sy / sw;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w[i] ?? 0;
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    sxy += wi * dx * dy;
    sxx += wi * dx * dx;
    syy += wi * dy * dy;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const intercept = my - slope * mx;
  return { intercept, slope, r2: syy > 0 ? (sxy * sxy) / (sxx * syy) : 1 };
}
