import { bootstrapMedian } from '../stats/bootstrap.js';
import { adapterLabel } from './adapter.js';
import type { Metric } from './metric.js';
import type { Report } from './schema.js';

/**
 * github-action-benchmark's custom tool input: a JSON array of { name, unit, value, range?,
 * extra? }. The action takes one direction per step (tool: customSmallerIsBetter or
 * customBiggerIsBetter), so metrics are split by their `better` field into two arrays and
 * a workflow runs the action once per file. `range` is the 95% bootstrap CI of the median,
 * written as the action shows ranges ("± x"); `extra` carries sample count and adapter.
 */
export interface GabEntry {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly range?: string;
  readonly extra?: string;
}

export type GabDirection = 'smaller' | 'bigger';

/** The action's `tool:` value for each array. */
export const GAB_TOOL: Readonly<Record<GabDirection, string>> = {
  smaller: 'customSmallerIsBetter',
  bigger: 'customBiggerIsBetter',
};

export function toGab(report: Report, direction: GabDirection): GabEntry[] {
  const want: Metric['better'] = direction === 'smaller' ? 'lower' : 'higher';
  const adapter = adapterLabel(report.environment.adapter);
  return report.metrics
    .filter((m) => m.better === want)
    .map((m) => {
      const ci = m.samples.length > 1 ? bootstrapMedian(m.samples, 0.95, m.name) : null;
      const entry: GabEntry = {
        name: m.name,
        unit: m.unit,
        value: m.value,
        extra: `n=${m.samples.length} samples; ${adapter}`,
      };
      if (ci === null) return entry;
      const half = Math.max(Math.abs(ci.upper - m.value), Math.abs(m.value - ci.lower));
      return { ...entry, range: `± ${Number(half.toPrecision(3))}` };
    });
}
