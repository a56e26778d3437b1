import { logNormalCdf, normalUpperQuantile } from '../stats/normal.js';
import type { Rng } from '../stats/rng.js';

/**
 * Per-worker step-time jitter and the tail of a class of n workers.
 *
 * Jitter is a multiplicative factor X on a worker's compute time with mean 1. A class of n
 * identical workers finishes when its slowest one does, so its time is t * max(X_1..X_n). We never
 * draw n values: the maximum of n iid draws has CDF F(x)^n, so it is drawn directly as
 * F^{-1}(U^{1/n}) and its expectation is computed by quadrature over F^n. Both cost the same for
 * n = 8 as for n = 1,000,000, which is what lets the simulator run a 220,000-GPU cluster per step
 * in microseconds.
 */
export type JitterModel =
  | { readonly kind: 'none' }
  /** X = 1 + cv * Z (symmetric; clamped at 0 when drawn). */
  | { readonly kind: 'normal'; readonly cv: number }
  /** X = exp(sigma * Z - sigma^2 / 2) with sigma^2 = ln(1 + cv^2): mean 1, CV cv, right-skewed. */
  | { readonly kind: 'lognormal'; readonly cv: number }
  /** The shape of measured samples (e.g. per-step times of a real run), rescaled to mean 1. */
  | { readonly kind: 'empirical'; readonly samples: readonly number[] };

/** Convenience: a parametric jitter model from a CV (0 means no jitter). */
export function parametricJitter(cv: number, kind: 'normal' | 'lognormal' = 'lognormal'): JitterModel {
  if (!(cv >= 0) || !Number.isFinite(cv)) throw new RangeError(`jitter CV must be a finite number >= 0, got ${cv}`);
  return cv === 0 ? { kind: 'none' } : { kind, cv };
}

// Quadrature grid for the normal-based models: the maximum of up to ~1e12 normals lies well
// inside [-9, 12]; h = 0.002 keeps the midpoint error below 1e-7.
const GRID_LO = -9;
const GRID_HI = 12;
const GRID_H = 0.002;
let gridX: Float64Array | null = null;
let gridLogCdf: Float64Array | null = null;

function grid(): { x: Float64Array; logCdf: Float64Array } {
  if (gridX === null || gridLogCdf === null) {
    const m = Math.round((GRID_HI - GRID_LO) / GRID_H) + 1;
    gridX = new Float64Array(m);
    gridLogCdf = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const x = GRID_LO + i * GRID_H;
      gridX[i] = x;
      gridLogCdf[i] = logNormalCdf(x);
    }
  }
  return { x: gridX, logCdf: gridLogCdf };
}

/** E[g(max of n iid standard normals)] for a monotone g, by Stieltjes quadrature over Phi^n. */
export function expectedMaxOfNormals(n: number, g: (z: number) => number = (z) => z): number {
  if (!(n >= 1)) throw new RangeError(`n must be >= 1, got ${n}`);
  const { x, logCdf } = grid();
  let sum = 0;
  let prev = Math.exp(n * (logCdf[0] ?? 0));
  // Mass below the grid (Phi(-9)^n, < 1e-19) is attributed to the grid's first point.
  sum += g(GRID_LO) * prev;
  for (let i = 1; i < x.length; i++) {
    const cur = Math.exp(n * (logCdf[i] ?? 0));
    const dp = cur - prev;
    if (dp !== 0) sum += g((x[i] ?? 0) - GRID_H / 2) * dp;
    prev = cur;
  }
  return sum;
}

/** Empirical samples normalised to mean 1, sorted, with an exponential tail fitted above a threshold. */
interface EmpiricalFit {
  readonly sorted: Float64Array;
  /** Number of top samples replaced by the fitted exponential tail (0 for small samples). */
  readonly k: number;
  /** Threshold: the (m - k)-th smallest sample. */
  readonly u: number;
  /** Mean excess of the top k samples over u: the exponential tail's scale. */
  readonly beta: number;
}

const fits = new WeakMap<readonly number[], EmpiricalFit>();

/**
 * Fits the semi-parametric distribution used for measured jitter: the empirical distribution
 * below the threshold, and above it (the top k = floor(sqrt(m)) samples, at least 5, when there
 * are m >= 20 samples) an exponential tail with the top samples' mean excess (peaks over
 * threshold). Without the tail, the maximum of n > m draws could never exceed the largest sample
 * seen, so a 1,000-step run would claim a 100,000-GPU class has no worse straggler than 1,000.
 */
function fitEmpirical(samples: readonly number[]): EmpiricalFit {
  const cached = fits.get(samples);
  if (cached) return cached;
  const finite = samples.filter((s) => Number.isFinite(s) && s > 0);
  if (finite.length === 0) throw new RangeError('empirical jitter needs at least one positive sample');
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const sorted = Float64Array.from(finite.map((s) => s / mean)).sort();
  const m = sorted.length;
  const k = m >= 20 ? Math.max(5, Math.floor(Math.sqrt(m))) : 0;
  const u = k > 0 ? (sorted[m - k - 1] ?? 0) : (sorted[m - 1] ?? 0);
  let beta = 0;
  for (let i = m - k; i < m; i++) beta += (sorted[i] ?? 0) - u;
  beta = k > 0 ? beta / k : 0;
  const fit = { sorted, k, u, beta };
  fits.set(samples, fit);
  return fit;
}

function expectedMaxEmpirical(n: number, fit: EmpiricalFit): number {
  const { sorted, k, u, beta } = fit;
  const m = sorted.length;
  const body = m - k;
  // Atoms of the body: P(max = x_i) = (i/m)^n - ((i-1)/m)^n.
  let sum = 0;
  let prev = 0;
  for (let i = 1; i <= body; i++) {
    const cur = (i / m) ** n;
    sum += (sorted[i - 1] ?? 0) * (cur - prev);
    prev = cur;
  }
  if (k === 0) return sum;
  // Tail: E[max; max > u] = u (1 - p0^n) + beta * int_{-inf}^{ln r} (1 - (1 - e^t)^n) dt,
  // r = k/m (substituting w = r e^{-y/beta} in int (1 - F^n) dy).
  const r = k / m;
  sum += u * (1 - prev);
  const hi = Math.log(r);
  const lo = hi - (Math.log(n) + 40);
  const h = 0.005;
  const steps = Math.ceil((hi - lo) / h);
  const dt = (hi - lo) / steps;
  let integral = 0;
  for (let j = 0; j < steps; j++) {
    const t = lo + (j + 0.5) * dt;
    integral += -Math.expm1(n * Math.log1p(-Math.exp(t)));
  }
  return sum + beta * integral * dt;
}

const expectedCache = new Map<string, number>();

/**
 * E[max of n iid jitter factors]: the factor by which a class of n workers is slower than one
 * average worker. 1 for n = 1 (the mean) and for no jitter; grows like sqrt(2 ln n) * cv for
 * normal-like jitter. O(1) in n (a fixed quadrature grid), memoised.
 */
export function tailFactor(n: number, jitter: JitterModel): number {
  if (!(n >= 1)) return n === 0 ? 0 : NaN;
  switch (jitter.kind) {
    case 'none':
      return 1;
    case 'normal': {
      if (jitter.cv === 0) return 1;
      const key = `n:${jitter.cv}:${n}`;
      let v = expectedCache.get(key);
      if (v === undefined) {
        v = 1 + jitter.cv * expectedMaxOfNormals(n);
        expectedCache.set(key, v);
      }
      return v;
    }
    case 'lognormal': {
      if (jitter.cv === 0) return 1;
      const key = `l:${jitter.cv}:${n}`;
      let v = expectedCache.get(key);
      if (v === undefined) {
        const sigma = Math.sqrt(Math.log1p(jitter.cv * jitter.cv));
        v = expectedMaxOfNormals(n, (z) => Math.exp(sigma * z - (sigma * sigma) / 2));
        expectedCache.set(key, v);
      }
      return v;
    }
    case 'empirical':
      return expectedMaxEmpirical(n, fitEmpirical(jitter.samples));
  }
}

/**
 * One draw of max(X_1..X_n) in O(1): with U uniform, the maximum's upper-tail probability is
 * q = 1 - U^{1/n} (computed as -expm1(ln U / n) so it stays exact for huge n), and the draw is
 * the jitter's quantile at 1 - q.
 */
export function sampleMax(n: number, jitter: JitterModel, rng: Rng): number {
  const u = rng.open();
  if (jitter.kind === 'none' || n < 1) return n < 1 ? 0 : 1;
  const q = -Math.expm1(Math.log(u) / n);
  switch (jitter.kind) {
    case 'normal':
      return Math.max(0, 1 + jitter.cv * normalUpperQuantile(q));
    case 'lognormal': {
      const sigma = Math.sqrt(Math.log1p(jitter.cv * jitter.cv));
      return Math.exp(sigma * normalUpperQuantile(q) - (sigma * sigma) / 2);
    }
    case 'empirical': {
      const { sorted, k, u: thr, beta } = fitEmpirical(jitter.samples);
      const m = sorted.length;
      const r = k / m;
      if (k > 0 && q < r) return thr + beta * Math.log(r / q);
      const i = Math.min(m - k, Math.max(1, Math.ceil((1 - q) * m)));
      return sorted[i - 1] ?? 1;
    }
  }
}

/** The mean-1 coefficient of variation a jitter model implies (for reports). */
export function jitterCv(jitter: JitterModel): number {
  switch (jitter.kind) {
    case 'none':
      return 0;
    case 'normal':
    case 'lognormal':
      return jitter.cv;
    case 'empirical': {
      const { sorted } = fitEmpirical(jitter.samples);
      let s2 = 0;
      for (const x of sorted) s2 += (x - 1) * (x - 1);
      return Math.sqrt(s2 / Math.max(1, sorted.length - 1));
    }
  }
}
