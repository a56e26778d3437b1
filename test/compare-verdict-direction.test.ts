import { describe, expect, it } from 'vitest';
import { compareMetric } from '../src/report/compare.js';
import type { Metric } from '../src/report/schema.js';
import { noisySamples } from './fixtures/reports.js';
import { seededRandom } from './helpers/rng.js';

// The metric's `better` decides which way is a regression; the threshold gates small but
// significant shifts; too few samples never produce a verdict.
const m = (better: Metric['better'], samples: number[]): Metric => ({
  name: 'd',
  unit: 's',
  better,
  value: samples[0] ?? 0,
  samples,
});
const opts = (threshold: number) => ({ threshold, alpha: 0.05 }) as const;

describe('compare verdicts', () => {
  it.each([
    { better: 'lower' as const, factor: 1.2, want: 'regression' },
    { better: 'lower' as const, factor: 0.8, want: 'improvement' },
    { better: 'higher' as const, factor: 1.2, want: 'improvement' },
    { better: 'higher' as const, factor: 0.8, want: 'regression' },
  ])('$better is better, head x$factor -> $want', ({ better, factor, want }) => {
    const rng = seededRandom(5);
    const c = compareMetric(
      m(better, noisySamples(rng, 15, 10, 0.02)),
      m(better, noisySamples(rng, 15, 10 * factor, 0.02)),
      opts(0.05),
    );
    expect(c.verdict).toBe(want);
    expect(c.ratio).toBeCloseTo(factor, 1);
    expect(c.ci!.lower).toBeLessThan(c.ratio);
    expect(c.ci!.upper).toBeGreaterThan(c.ratio);
  });

  it.each([
    { threshold: 0.05, want: 'unchanged' },
    { threshold: 0.01, want: 'regression' },
  ])('a significant 3% slowdown is $want at threshold $threshold', ({ threshold, want }) => {
    const rng = seededRandom(6);
    const c = compareMetric(
      m('lower', noisySamples(rng, 30, 1, 0.005)),
      m('lower', noisySamples(rng, 30, 1.03, 0.005)),
      opts(threshold),
    );
    expect(c.significant).toBe(true);
    expect(c.verdict).toBe(want);
  });

  it('a 50% slowdown seen in 3 samples per side stays unchanged and says why', () => {
    const c = compareMetric(m('lower', [1, 1.01, 0.99]), m('lower', [1.5, 1.51, 1.49]), opts(0.05));
    expect(c.verdict).toBe('unchanged');
    expect(c.note).toMatch(/not tested, under 4 samples/);
  });
});
