import { bootstrapRatioOfMedians, type Interval } from '../stats/bootstrap.js';
import { mannWhitneyU } from '../stats/mann-whitney.js';
import { median } from '../stats/quantiles.js';
import { sameAdapter } from './adapter.js';
import { changeScale, type Metric, type Unit } from './metric.js';
import type { Report } from './schema.js';

/**
 * Metric-by-metric comparison of two reports. A metric regresses only when the change is
 * both statistically significant (two-sided Mann-Whitney U, p < alpha) and larger than the
 * threshold in the metric's worse direction: significance alone flags 0.5% shifts that nobody
 * should chase, a threshold alone flags noise. See docs/compare.md for the measured rates.
 */
export type Verdict = 'regression' | 'improvement' | 'unchanged';

export interface CompareOptions {
  /** Smallest change that counts, as a fraction (0.05 = 5%; for metrics that change by points, 5 points). */
  readonly threshold: number;
  /** Significance level of the U test; the CI is the (1 - alpha) interval. */
  readonly alpha: number;
}

export const DEFAULT_COMPARE_OPTIONS: CompareOptions = { threshold: 0.05, alpha: 0.05 };

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
}

export function compareReports(
  base: Report,
  head: Report,
  options: CompareOptions = DEFAULT_COMPARE_OPTIONS,
): Comparison {
  const headByName = new Map(head.metrics.map((m) => [m.name, m]));
  const baseNames = new Set(base.metrics.map((m) => m.name));
  const metrics: MetricComparison[] = [];
  for (const b of base.metrics) {
    const h = headByName.get(b.name);
    if (h !== undefined) metrics.push(compareMetric(b, h, options));
  }
  return {
    sameAdapter: sameAdapter(base, head),
    options,
    metrics,
    onlyInBase: base.metrics.filter((m) => !headByName.has(m.name)).map((m) => m.name),
    onlyInHead: head.metrics.filter((m) => !baseNames.has(m.name)).map((m) => m.name),
    regressions: metrics.filter((m) => m.verdict === 'regression').length,
    improvements: metrics.filter((m) => m.verdict === 'improvement').length,
  };
}

export function compareMetric(base: Metric, head: Metric, options: CompareOptions): MetricComparison {
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
    verdict,
  };
  return few ? { ...out, note: `not tested, under ${MIN_SAMPLES} samples` } : out;
}
