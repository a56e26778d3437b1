import { describe, expect, it } from 'vitest';
import { compareReports } from '../src/report/compare.js';
import type { Metric } from '../src/report/metric.js';
import { bootstrapMedian } from '../src/stats/bootstrap.js';
import { median } from '../src/stats/quantiles.js';
import { makeRunReport, noisySamples } from './fixtures/reports.js';
import { seededRandom } from './helpers/rng.js';

// The auto mode's error rates on a whole report's family of metrics, not one metric: 30
// metrics per report, each of 20 samples at 5% noise with the interval a run would state for
// it (a bootstrap of the median). A/A: no metric of the 30 may regress in more than 1 of 20
// pairs; a 10% slowdown of every step-time metric must be flagged (exit-code sense: at least
// one regression) in at least 19 of 20, and on most of the slowed metrics.
const FAMILY = 30;
const SLOWED = 6;

function family(rng: () => number, slowdown: number): Metric[] {
  return Array.from({ length: FAMILY }, (_, i) => {
    const samples = noisySamples(rng, 20, i < SLOWED ? 1 + slowdown : 1, 0.05);
    const ci = bootstrapMedian(samples, 0.95, `m${i}`, 500);
    return {
      name: `class.m${i}.computeRatio`,
      unit: 'x',
      better: 'lower',
      value: median(samples),
      samples,
      ...(ci ? { ci: [ci.lower, ci.upper] as const } : {}),
    };
  });
}

const report = (seed: number, metrics: Metric[]) => ({ ...makeRunReport({ seed }), metrics });

describe('compare --threshold auto: error rates over a family of 30 metrics (5% noise, n = 20)', () => {
  it('A/A: a false regression in at most 1 of 20 comparisons', () => {
    const rng = seededRandom(101);
    let alarms = 0;
    for (let pair = 0; pair < 20; pair++) {
      const c = compareReports(report(1, family(rng, 0)), report(2, family(rng, 0)));
      if (c.regressions > 0) alarms++;
    }
    console.log(`auto A/A over ${FAMILY} metrics: ${alarms}/20 comparisons with a false regression`);
    expect(alarms).toBeLessThanOrEqual(1);
  });

  it('a 10% slowdown of six metrics is a regression in at least 19 of 20 comparisons', () => {
    const rng = seededRandom(202);
    let detected = 0;
    let slowedFlagged = 0;
    let falseFlags = 0;
    for (let pair = 0; pair < 20; pair++) {
      const c = compareReports(report(1, family(rng, 0)), report(2, family(rng, 0.1)));
      if (c.regressions > 0) detected++;
      slowedFlagged += c.metrics.filter((m, i) => i < SLOWED && m.verdict === 'regression').length;
      if (c.metrics.slice(SLOWED).some((m) => m.verdict === 'regression')) falseFlags++;
    }
    console.log(
      `auto, 10% slowdown: ${detected}/20 detected; ${slowedFlagged}/${20 * SLOWED} slowed metrics flagged; ` +
        `${falseFlags}/20 comparisons also flagged an unslowed metric`,
    );
    expect(detected).toBeGreaterThanOrEqual(19);
    // Bonferroni holds the family-wise error near 5% per comparison: about 1 in 20 expected.
    expect(falseFlags).toBeLessThanOrEqual(2);
    expect(slowedFlagged).toBeGreaterThanOrEqual(0.8 * 20 * SLOWED);
  });
});
