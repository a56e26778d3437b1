import { describe, expect, it } from 'vitest';
import { compareMetric, FIXED_COMPARE_OPTIONS } from '../src/report/compare.js';
import type { Metric } from '../src/report/schema.js';
import { noisySamples } from './fixtures/reports.js';
import { seededRandom } from './helpers/rng.js';

// A 10% slowdown injected into HEAD (5% noise on both sides) must be flagged in at least
// 19 of 20 pairs, whichever way the metric is oriented: a step time 10% longer, or a
// throughput 10% lower (time x 1.1 means throughput / 1.1).
const metric = (better: Metric['better'], samples: number[]): Metric => ({
  name: 'inj.metric',
  unit: 's',
  better,
  value: 0,
  samples,
});

describe('10% slowdown injected into HEAD', () => {
  it.each([
    { better: 'lower' as const, headMean: 1.1, seed: 11 },
    { better: 'higher' as const, headMean: 1 / 1.1, seed: 22 },
  ])('is a regression in >= 19 of 20 pairs ($better is better, n=20)', ({ better, headMean, seed }) => {
    const rng = seededRandom(seed);
    let flagged = 0;
    for (let pair = 0; pair < 20; pair++) {
      const c = compareMetric(
        metric(better, noisySamples(rng, 20, 1, 0.05)),
        metric(better, noisySamples(rng, 20, headMean, 0.05)),
        FIXED_COMPARE_OPTIONS,
      );
      if (c.verdict === 'regression') flagged++;
    }
    console.log(`injected 10% slowdown, ${better} is better, n=20: flagged ${flagged}/20`);
    expect(flagged).toBeGreaterThanOrEqual(19);
  });

  it('is never called an improvement', () => {
    const rng = seededRandom(33);
    for (let pair = 0; pair < 20; pair++) {
      const c = compareMetric(
        metric('lower', noisySamples(rng, 20, 1, 0.05)),
        metric('lower', noisySamples(rng, 20, 1.1, 0.05)),
        FIXED_COMPARE_OPTIONS,
      );
      expect(c.verdict).not.toBe('improvement');
    }
  });
});
