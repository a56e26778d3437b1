import { describe, expect, it } from 'vitest';
import { compareMetric, FIXED_COMPARE_OPTIONS } from '../src/report/compare.js';
import type { Metric, Unit } from '../src/report/schema.js';

const metric = (unit: Unit, center: number): Metric => {
  // Eight tight samples around the center: any shift between base and head is significant.
  const samples = Array.from({ length: 8 }, (_, i) => center * (1 + (i - 3.5) * 0.002));
  return { name: 'run.lockstep.stragglerLoss', unit, better: 'lower', value: center, samples };
};

describe('compare: fraction-valued metrics change by points, others by ratio', () => {
  it.each([
    ['fraction', 0.1, 0.12, 'unchanged'], // +2 points: under the 5-point threshold
    ['fraction', 0.1, 0.16, 'regression'], // +6 points
    ['fraction', 0.2, 0.13, 'improvement'], // -7 points
    ['s', 0.1, 0.12, 'regression'], // +20% on a time
    ['s', 0.1, 0.104, 'unchanged'], // +4%
  ] as const)('unit %s: %f -> %f is %s', (unit, base, head, verdict) => {
    const cmp = compareMetric(metric(unit, base), metric(unit, head), FIXED_COMPARE_OPTIONS);
    expect(cmp.significant).toBe(true);
    expect(cmp.verdict).toBe(verdict);
  });
});
