import { bootstrapMedian } from '../stats/bootstrap.js';
import { type Metric, metricGroup, parseMetricName } from './metric.js';
import type { Report } from './schema.js';

/**
 * Bencher Metric Format: { "<benchmark>": { "<measure>": { value, lower_value?, upper_value? } } }.
 * A metric name 'run.lockstep.stepTime' becomes benchmark 'run.lockstep' and measure
 * 'stepTime', so every policy shares one Measure (and one Bencher threshold) per quantity.
 * lower/upper are the 95% bootstrap CI of the median. Direction is not part of BMF: it is
 * set on the Bencher threshold (docs/ci.md).
 */
export interface BmfValue {
  readonly value: number;
  readonly lower_value?: number;
  readonly upper_value?: number;
}

export type Bmf = Record<string, Record<string, BmfValue>>;

/** Bencher's limit on Measure names and slugs. */
const MEASURE_MAX = 64;

export function bmfKeys(metric: Metric): { benchmark: string; measure: string } {
  const id = parseMetricName(metric.name);
  if (id !== null) return { benchmark: metricGroup(id), measure: id.figure.slice(0, MEASURE_MAX) };
  // A name from elsewhere: the last dotted part is the measure.
  const cut = metric.name.lastIndexOf('.');
  if (cut <= 0 || cut === metric.name.length - 1)
    return { benchmark: metric.name, measure: metric.unit.slice(0, MEASURE_MAX) || 'value' };
  return { benchmark: metric.name.slice(0, cut), measure: metric.name.slice(cut + 1).slice(0, MEASURE_MAX) };
}

export function toBmf(report: Report): Bmf {
  const out: Bmf = {};
  for (const m of report.metrics) {
    const { benchmark, measure } = bmfKeys(m);
    const ci = m.samples.length > 1 ? bootstrapMedian(m.samples, 0.95, m.name) : null;
    const bench = out[benchmark] ?? {};
    out[benchmark] = bench;
    // The CI of the median can exclude a value summarised differently (e.g. a mean): widen to keep lower <= value <= upper.
    bench[measure] =
      ci === null
        ? { value: m.value }
        : { value: m.value, lower_value: Math.min(ci.lower, m.value), upper_value: Math.max(ci.upper, m.value) };
  }
  return out;
}
