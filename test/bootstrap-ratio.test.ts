import { describe, expect, it } from 'vitest';
import { bootstrapMedian, bootstrapRatioOfMedians } from '../src/stats/bootstrap.js';
import { noisySamples } from './fixtures/reports.js';
import { seededRandom } from './helpers/rng.js';

describe('bootstrap CI of the ratio of medians', () => {
  it.each([
    { ratio: 1, n: 20 },
    { ratio: 1.1, n: 20 },
    { ratio: 0.8, n: 30 },
  ])('covers the true ratio $ratio in >= 17 of 20 draws (95% CI, n=$n)', ({ ratio, n }) => {
    const rng = seededRandom(Math.round(ratio * 1000) + n);
    let covered = 0;
    for (let i = 0; i < 20; i++) {
      const ci = bootstrapRatioOfMedians(
        noisySamples(rng, n, 2, 0.05),
        noisySamples(rng, n, 2 * ratio, 0.05),
        0.95,
        `m${i}`,
      );
      if (ci !== null && ci.lower <= ratio && ratio <= ci.upper) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(17);
  });

  it('is deterministic for the same metric name, and differs for another name', () => {
    const rng = seededRandom(9);
    const a = noisySamples(rng, 12, 1, 0.05);
    const b = noisySamples(rng, 12, 1.05, 0.05);
    expect(bootstrapRatioOfMedians(a, b, 0.95, 'x')).toEqual(bootstrapRatioOfMedians(a, b, 0.95, 'x'));
    expect(bootstrapRatioOfMedians(a, b, 0.95, 'x')).not.toEqual(bootstrapRatioOfMedians(a, b, 0.95, 'y'));
  });

  it('narrows as samples grow', () => {
    const rng = seededRandom(10);
    const width = (n: number): number => {
      const ci = bootstrapRatioOfMedians(noisySamples(rng, n, 1, 0.05), noisySamples(rng, n, 1, 0.05), 0.95, 'w');
      return ci === null ? Infinity : ci.upper - ci.lower;
    };
    expect(width(100)).toBeLessThan(width(8));
  });

  it('returns null without samples, and a point for one sample', () => {
    expect(bootstrapRatioOfMedians([], [1], 0.95, 'e')).toBeNull();
    expect(bootstrapMedian([3], 0.95, 'e')).toEqual({ lower: 3, upper: 3 });
  });
});
