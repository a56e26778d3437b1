import { describe, expect, it } from 'vitest';
import { compareMetric, FIXED_COMPARE_OPTIONS } from '../src/report/compare.js';
import type { Metric } from '../src/report/schema.js';
import { noisySamples } from './fixtures/reports.js';
import { seededRandom } from './helpers/rng.js';

// A/A: base and head are drawn from the same distribution (5% noise). The issue allows at
// most one false regression in 20 pairs; the rate is printed for docs/compare.md.
const metric = (better: Metric['better'], samples: number[]): Metric => ({
  name: 'aa.metric',
  unit: 's',
  better,
  value: 0,
  samples,
});

describe('A/A: same distribution, 5% noise', () => {
  it.each([
    { better: 'lower' as const, n: 20, seed: 101 },
    { better: 'higher' as const, n: 20, seed: 202 },
    { better: 'lower' as const, n: 10, seed: 303 },
  ])('20 pairs ($better is better, n=$n) give at most one false regression', ({ better, n, seed }) => {
    const rng = seededRandom(seed);
    let regressions = 0;
    let notUnchanged = 0;
    for (let pair = 0; pair < 20; pair++) {
      const c = compareMetric(
        metric(better, noisySamples(rng, n, 1, 0.05)),
        metric(better, noisySamples(rng, n, 1, 0.05)),
        FIXED_COMPARE_OPTIONS,
      );
      if (c.verdict === 'regression') regressions++;
      if (c.verdict !== 'unchanged') notUnchanged++;
    }
    console.log(`A/A ${better} n=${n}: ${regressions}/20 false regressions, ${notUnchanged}/20 not unchanged`);
    expect(regressions).toBeLessThanOrEqual(1);
    expect(notUnchanged).toBeLessThanOrEqual(2);
  });
});
