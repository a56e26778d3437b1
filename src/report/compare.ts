import { bootstrapRatioOfMedians, type Interval } from '../stats/bootstrap.js';
import { mannWhitneyU } from '../stats/mann-whitney.js';
import { normalUpperQuantile } from '../stats/normal.js';
import { median } from '../stats/quantiles.js';
import { sameAdapter } from './adapter.js';
import {
  AUTO_FLOOR,
  autoTest,
  bonferroniSignificant,
  classRatioResolution,
  type Resolution,
  resolvableChange,
  sideEstimate,
} from './compare-auto.js';
import { changeScale, type Metric, type Unit } from './metric.js';
import type { Report } from './schema.js';

/**
 * Metric-by-metric comparison of two reports. A metric regresses only when the change is
 * both statistically significant and larger than a threshold in the metric's worse direction:
 * significance alone flags 0.5% shifts that nobody should chase, a threshold alone flags noise.
 *
 * Two modes (docs/compare.md has both and their measured error rates):
 *  - 'auto' (the default): each metric's figure and interval as its reports state them, a z
 *    test of the change against both sides' standard errors, Bonferroni's correction over every
 *    metric of the comparison, and a 2% (1 point) floor (compare-auto.ts). Thresholds follow
 *    the evidence: a metric whose reports are noisy needs a larger change to count.
 *  - a fixed threshold (`--threshold PCT`): a two-sided Mann-Whitney U test on the raw samples
 *    at alpha per metric, and the change beyond that threshold.
 */
export type Verdict = 'regression' | 'improvement' | 'unchanged';

export interface CompareOptions {
  /**
   * 'auto': thresholds from the reports' own intervals (see above). A number: the smallest
   * change that counts, as a fraction (0.05 = 5%; for metrics that change by points, 5 points).
   */
  readonly threshold: number | 'auto';
  /** Family-wise error (auto) or per-metric significance level (fixed); the CI is the (1 - alpha) interval. */
  readonly alpha: number;
}

export const DEFAULT_COMPARE_OPTIONS: CompareOptions = { threshold: 'auto', alpha: 0.05 };

/** The fixed-threshold mode's usual setting (`--threshold 5`): 5% and alpha 0.05 per metric. */
export const FIXED_COMPARE_OPTIONS = { threshold: 0.05, alpha: 0.05 } as const;

/** Below this many samples on a side, the exact U test cannot reach p < 0.05 (n = 3 vs 3 gives p >= 0.1). */
export const MIN_SAMPLES = 4;

export interface MetricComparison {
  readonly name: string;
  readonly unit: Unit;
  readonly better: Metric['better'];
  /** Median of the base samples (the metric's value when it has none). */
  readonly base: number;
  readonly head: number;
  /** head / base. */
  readonly ratio: number;
  /** Bootstrap (1 - alpha) CI of the ratio of medians; null without samples on a side. */
  readonly ci: Interval | null;
  readonly p: number;
  readonly test: 'exact' | 'normal';
  readonly nBase: number;
  readonly nHead: number;
  readonly significant: boolean;
  /** The change this metric needed to count (a fraction, or points): fixed, or what its reports could resolve (auto). */
  readonly threshold: number;
  readonly verdict: Verdict;
  /** Why a verdict could not be reached, e.g. too few samples. */
  readonly note?: string;
}

export interface Comparison {
  readonly sameAdapter: boolean;
  readonly options: CompareOptions;
  readonly metrics: readonly MetricComparison[];
  readonly onlyInBase: readonly string[];
  readonly onlyInHead: readonly string[];
  readonly regressions: number;
  readonly improvements: number;
  /** Auto mode: how far the class compute ratios could see, when not as far as 5% (compare-auto.ts). */
  readonly resolution: Resolution | null;
}

export function compareReports(
  base: Report,
  head: Report,
  options: CompareOptions = DEFAULT_COMPARE_OPTIONS,
): Comparison {
  const headByName = new Map(head.metrics.map((m) => [m.name, m]));
  const baseNames = new Set(base.metrics.map((m) => m.name));
  const pairs = base.metrics.flatMap((b) => {
    const h = headByName.get(b.name);
    return h === undefined ? [] : [[b, h] as const];
  });
  const { threshold, alpha } = options;
  const metrics =
    threshold === 'auto' ? compareAuto(pairs, alpha) : pairs.map(([b, h]) => compareMetric(b, h, { threshold, alpha }));
  return {
    sameAdapter: sameAdapter(base, head),
    options,
    metrics,
    onlyInBase: base.metrics.filter((m) => !headByName.has(m.name)).map((m) => m.name),
    onlyInHead: head.metrics.filter((m) => !baseNames.has(m.name)).map((m) => m.name),
    resolution: threshold === 'auto' ? classRatioResolution(metrics) : null,
    regressions: metrics.filter((m) => m.verdict === 'regression').length,
    improvements: metrics.filter((m) => m.verdict === 'improvement').length,
  };
}

/** Metrics that could be tested (the rest were too small on a side). */
export function testedCount(cmp: Comparison): number {
  return cmp.metrics.filter((m) => m.note === undefined).length;
}

/** One line saying how the verdicts were reached, for every output of compare. */
export function methodSummary(options: CompareOptions, tested: number): string {
  if (options.threshold === 'auto')
    return (
      `thresholds from the reports' own 95% intervals: z test per metric, Bonferroni over ${tested} metrics at ` +
      `alpha ${options.alpha}, floor ${AUTO_FLOOR.ratio * 100}% (${AUTO_FLOOR.points * 100} point for fractions)`
    );
  return `threshold ${+(options.threshold * 100).toPrecision(6)}%, alpha ${options.alpha}; Mann-Whitney U test, bootstrap CI of the ratio of medians`;
}

/** One metric under a fixed threshold: the U test at alpha and the change beyond the threshold. */
export function compareMetric(
  base: Metric,
  head: Metric,
  options: { readonly threshold: number; readonly alpha: number },
): MetricComparison {
  const bs = base.samples.length > 0 ? base.samples : [base.value];
  const hs = head.samples.length > 0 ? head.samples : [head.value];
  const mb = median(bs);
  const mh = median(hs);
  const ratio = mh / mb;
  const test = mannWhitneyU(hs, bs);
  const significant = test.p < options.alpha;
  // A metric that is itself a fraction (straggler loss, MFU) changes by points, not by a
  // share of itself: a loss going 0.10 -> 0.12 is 2 points, not a 20% regression. Relative
  // change on small fractions cried wolf between two runs of one commit. The unit says which.
  const change = changeScale(head.unit) === 'points' ? mh - mb : ratio - 1;
  // The head's direction wins if the two disagree: it is the definition CI runs against now.
  const better = head.better;
  const worse = better === 'lower' ? change > options.threshold : change < -options.threshold;
  const nicer = better === 'lower' ? change < -options.threshold : change > options.threshold;
  const verdict: Verdict = significant && worse ? 'regression' : significant && nicer ? 'improvement' : 'unchanged';
  const ci =
    base.samples.length > 0 && head.samples.length > 0
      ? bootstrapRatioOfMedians(bs, hs, 1 - options.alpha, base.name)
      : null;
  const few = Math.min(base.samples.length, head.samples.length) < MIN_SAMPLES;
  const out: MetricComparison = {
    name: base.name,
    unit: head.unit,
    better,
    base: mb,
    head: mh,
    ratio: Number.isFinite(ratio) ? ratio : Number.NaN,
    ci,
    p: test.p,
    test: test.method,
    nBase: base.samples.length,
    nHead: head.samples.length,
    significant,
    threshold: options.threshold,
    verdict,
  };
  return few ? { ...out, note: `not tested, under ${MIN_SAMPLES} samples` } : out;
}

/**
 * Every metric in auto mode (compare-auto.ts): the figures and intervals the reports state, a
 * z test per metric, Bonferroni over the ones that could be tested, and the floor. The table's ratio,
 * interval and p are those of the auto test; nBase/nHead still count the raw samples.
 */
function compareAuto(pairs: readonly (readonly [Metric, Metric])[], alpha: number): MetricComparison[] {
  const tested = pairs.map(([b, h]) => {
    const sb = sideEstimate(b, MIN_SAMPLES);
    const sh = sideEstimate(h, MIN_SAMPLES);
    return sb && sh ? { ...autoTest(sb, sh), baseValue: sb.value, headValue: sh.value } : null;
  });
  const testable = tested.flatMap((t, i) => (t === null ? [] : [i]));
  const passed = bonferroniSignificant(
    testable.map((i) => tested[i]?.p ?? 1),
    alpha,
  );
  const significantAt = new Set(testable.filter((_, j) => passed[j]));
  const z = normalUpperQuantile(alpha / 2);
  return pairs.map(([b, h], i) => {
    const t = tested[i] ?? null;
    const points = changeScale(h.unit) === 'points';
    const floor = points ? AUTO_FLOOR.points : AUTO_FLOOR.ratio;
    if (t === null) {
      const fallback = compareMetric(b, h, { threshold: floor, alpha });
      return {
        ...fallback,
        significant: false,
        verdict: 'unchanged',
        note: `not tested, under ${MIN_SAMPLES} samples and no interval`,
      };
    }
    const { baseValue, headValue } = t;
    const change = points ? t.delta : Math.expm1(t.delta);
    const threshold = resolvableChange(t.se, testable.length, alpha, points);
    const significant = significantAt.has(i);
    const better = h.better;
    const worse = better === 'lower' ? change > floor : change < -floor;
    const nicer = better === 'lower' ? change < -floor : change > floor;
    const verdict: Verdict = significant && worse ? 'regression' : significant && nicer ? 'improvement' : 'unchanged';
    // The (1 - alpha) interval of the ratio from the two standard errors (of a fraction's
    // difference in points, shown as the ratio it implies at the base value).
    const lo = t.delta - z * t.se;
    const hi = t.delta + z * t.se;
    const ci = points
      ? { lower: (baseValue + lo) / baseValue, upper: (baseValue + hi) / baseValue }
      : { lower: Math.exp(lo), upper: Math.exp(hi) };
    return {
      name: b.name,
      unit: h.unit,
      better,
      base: baseValue,
      head: headValue,
      ratio: headValue / baseValue,
      ci,
      p: t.p,
      test: 'normal',
      nBase: b.samples.length,
      nHead: h.samples.length,
      significant,
      threshold,
      verdict,
    };
  });
}
