import { bootstrapMedian } from '../stats/bootstrap.js';
import { normalUpperQuantile, normalUpperTail } from '../stats/normal.js';
import { median } from '../stats/quantiles.js';
import { percent } from './format.js';
import { changeScale, type Metric, parseMetricName } from './metric.js';

/**
 * compare's default test ("auto" thresholds, docs/compare.md): each metric is judged by what its
 * two reports say of their own uncertainty, not by one fixed percentage.
 *
 *  - Each side's figure and its standard error: a run's figure with the 95% interval the run
 *    computed for it (a paired bootstrap over its rounds, the dilation's uncertainty included:
 *    src/bench/measured-figures.ts), or, for a metric without one, the median of its samples
 *    with a bootstrap interval of that median. se = interval width / (2 * 1.96), on the log
 *    scale for amounts (a ratio) and in points for fractions.
 *  - z = (head - base) / sqrt(se_base^2 + se_head^2), two-sided normal p.
 *  - Bonferroni over every metric tested together, so that the chance of any false
 *    regression in a comparison of ~30 metrics stays at alpha, not ~30 alpha.
 *  - A significant change smaller than the floor (2%, or 1 point) is reported but not called:
 *    nobody should chase it.
 *
 * The threshold each metric shows is the smallest change its two reports could resolve at the
 * Bonferroni level (at least the floor): noisy reports get wide thresholds, tight ones narrow.
 */

/** Smallest change that counts in auto mode: 2% for amounts, 1 point for fractions. */
export const AUTO_FLOOR = { ratio: 0.02, points: 0.01 } as const;

/** 95% intervals are what reports store; their half-width is 1.96 standard errors. */
const Z95 = normalUpperQuantile(0.025);

export interface SideEstimate {
  /** The figure tested: the report's value with its interval, else the samples' median. */
  readonly value: number;
  /** The figure on the test's scale: ln(value) for amounts, the value for fractions. */
  readonly at: number;
  /** Its standard error on that scale. */
  readonly se: number;
  /** Where the interval came from. */
  readonly from: 'report' | 'samples';
}

/** A side's figure and standard error; null when it has neither an interval nor enough samples. */
export function sideEstimate(m: Metric, minSamples: number): SideEstimate | null {
  const points = changeScale(m.unit) === 'points';
  const g = (x: number): number => (points ? x : Math.log(x));
  const usable = (x: number): boolean => Number.isFinite(x) && (points || x > 0);
  const ci = m.ci;
  if (ci !== undefined && usable(m.value) && usable(ci[0]) && usable(ci[1]) && ci[1] >= ci[0])
    return { value: m.value, at: g(m.value), se: (g(ci[1]) - g(ci[0])) / (2 * Z95), from: 'report' };
  if (m.samples.length < minSamples) return null;
  const mid = median(m.samples);
  const interval = bootstrapMedian(m.samples, 0.95, m.name);
  if (interval === null || !usable(mid) || !usable(interval.lower) || !usable(interval.upper)) return null;
  // The bootstrap's percentile interval of a median is narrow on small, lumpy samples (it can
  // only land on sample values), so the larger of it and the normal theory's standard error of
  // a median (sqrt(pi / 2) * sd / sqrt(n)) is used: erring wide costs power, not false alarms.
  const scaled = m.samples.map(g);
  const mean = scaled.reduce((a, b) => a + b, 0) / scaled.length;
  const sd = Math.sqrt(scaled.reduce((a, x) => a + (x - mean) ** 2, 0) / (scaled.length - 1));
  const seBootstrap = (g(interval.upper) - g(interval.lower)) / (2 * Z95);
  const seNormal = (Math.sqrt(Math.PI / 2) * sd) / Math.sqrt(scaled.length);
  return {
    value: mid,
    at: g(mid),
    se: Math.max(seBootstrap, Number.isFinite(seNormal) ? seNormal : 0),
    from: 'samples',
  };
}

export interface AutoTest {
  /** head - base on the test's scale (log ratio or points). */
  readonly delta: number;
  readonly se: number;
  readonly p: number;
}

export function autoTest(base: Omit<SideEstimate, 'value'>, head: Omit<SideEstimate, 'value'>): AutoTest {
  const delta = head.at - base.at;
  const se = Math.hypot(base.se, head.se);
  if (!(se > 0)) return { delta, se: 0, p: delta === 0 ? 1 : 0 };
  return { delta, se, p: Math.min(1, 2 * normalUpperTail(Math.abs(delta) / se)) };
}

/**
 * Bonferroni: which p-values are significant with family-wise error alpha over all of them.
 * Not Holm's step-down: a run's metrics come in near-identical pairs (a step time and the
 * tokens/s it implies), so a real slowdown "rejects" many copies of one hypothesis and Holm's
 * lowered bar then lets borderline noise on unrelated metrics through.
 */
export function bonferroniSignificant(ps: readonly number[], alpha: number): boolean[] {
  return ps.map((p) => p <= alpha / Math.max(1, ps.length));
}

/**
 * The smallest change (as a fraction, or points) a metric's two reports could call at the
 * family's Bonferroni level, and never below the floor.
 */
export function resolvableChange(se: number, family: number, alpha: number, points: boolean): number {
  const z = normalUpperQuantile(alpha / (2 * Math.max(1, family)));
  const floor = points ? AUTO_FLOOR.points : AUTO_FLOOR.ratio;
  const change = points ? z * se : Math.expm1(z * se);
  return Math.max(floor, Number.isFinite(change) ? change : Number.POSITIVE_INFINITY);
}

/** Above this, compare says how much longer the runs would have to be (docs/ci.md). */
export const RESOLUTION_NOTE_AT = 0.05;

/**
 * What a comparison of run reports could resolve in the figures a fail-slow generation moves
 * (the class compute ratios), and how much longer both runs would have to be to resolve
 * RESOLUTION_NOTE_AT: an interval's width falls with the square root of the rounds, so a
 * threshold T needs (T / target)^2 times the rounds. Null when no class ratio was tested or
 * every one resolves the target already. Measured on this project's VM: a 40 s default run
 * gave the H100 ratio thresholds of 7-17%, 120 s runs about 3% (docs/ci.md).
 */
export interface Resolution {
  /** The widest threshold of the class compute ratios tested. */
  readonly classRatioThreshold: number;
  /** The metric that had it. */
  readonly metric: string;
  readonly target: number;
  /** How many times longer both runs would have to be for `target`. */
  readonly longerBy: number;
}

export function classRatioResolution(
  metrics: readonly { readonly name: string; readonly threshold: number }[],
  target = RESOLUTION_NOTE_AT,
): Resolution | null {
  const ratios = metrics.filter((m) => parseMetricName(m.name)?.scope === 'class' && Number.isFinite(m.threshold));
  if (ratios.length === 0) return null;
  const widest = ratios.reduce((a, m) => (m.threshold > a.threshold ? m : a));
  if (!(widest.threshold > target)) return null;
  return {
    classRatioThreshold: widest.threshold,
    metric: widest.name,
    target,
    longerBy: Math.ceil((widest.threshold / target) ** 2),
  };
}

/** The sentence the terminal and Markdown print for a Resolution. */
export function resolutionText(r: Resolution): string {
  const pct = (x: number): string => percent(x, x < 0.1 ? 1 : 0);
  return (
    `these reports resolve class compute ratio changes of ${pct(r.classRatioThreshold)} or more ` +
    `(${r.metric}); a generation ${pct(r.target)} slower needs both runs about ${r.longerBy}x as long ` +
    '(hetbench run --max-time S: intervals narrow with the square root of the rounds)'
  );
}
