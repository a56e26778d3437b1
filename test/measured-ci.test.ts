import { describe, expect, it } from 'vitest';
import { CI_FIGURES, composeFigures, measuredIntervals } from '../src/bench/measured-figures.js';
import { expandedTail, studentUpperQuantile } from '../src/stats/round-bootstrap.js';
import { DEFAULT_NOISE, SYNTHETIC_POLICIES, syntheticRun } from './helpers/synthetic-rounds.js';

/**
 * The measured run's intervals (paired round bootstrap, measured-figures.ts) on synthetic local
 * times whose truth is known: pass noise, a per-round drift shared by every policy's pass of
 * the round, a fixed cost per pass, and rounding to whole units.
 */
const truth = composeFigures(syntheticRun(16, 1, { ...DEFAULT_NOISE, passCv: 0, roundCv: 0 }), null);
const options = { resamples: 300, confidence: 0.95 };

describe('measured intervals', () => {
  it('contain the true figure of every policy in at least 90 of 100 seeded runs', () => {
    const covered = new Map<string, number>();
    for (let seed = 1; seed <= 100; seed++) {
      const ci = measuredIntervals(syntheticRun(16, 1000 + seed), { ...options, seed });
      ci.forEach((intervals, p) => {
        for (const f of CI_FIGURES) {
          const x = truth.compositions[p]?.run.figures[f] ?? Number.NaN;
          const [lo, hi] = intervals[f];
          const key = `${SYNTHETIC_POLICIES[p]} ${f}`;
          // Lockstep's speedup is 1 by definition: a degenerate interval at 1 covers it.
          if (lo <= x * (1 + 1e-12) && x <= hi * (1 + 1e-12)) covered.set(key, (covered.get(key) ?? 0) + 1);
        }
      });
    }
    for (const p of SYNTHETIC_POLICIES)
      for (const f of CI_FIGURES) expect(covered.get(`${p} ${f}`) ?? 0, `${p} ${f}`).toBeGreaterThanOrEqual(90);
  });

  it('narrow as rounds are added', () => {
    const width = (rounds: number): number => {
      let sum = 0;
      for (let seed = 1; seed <= 10; seed++) {
        const ci = measuredIntervals(syntheticRun(rounds, 5000 + seed), { ...options, seed });
        const [lo, hi] = ci[1]?.speedup ?? [Number.NaN, Number.NaN];
        sum += hi - lo;
      }
      return sum / 10;
    };
    const w8 = width(8);
    const w32 = width(32);
    expect(w8).toBeGreaterThan(0);
    // 1/sqrt(n): a quarter of the rounds, about twice the width.
    expect(w32).toBeLessThan(0.7 * w8);
  });

  it('t quantiles and the expanded tail', () => {
    expect(studentUpperQuantile(0.025, 15)).toBeCloseTo(2.131, 2);
    expect(studentUpperQuantile(0.025, 1e6)).toBeCloseTo(1.96, 2);
    expect(expandedTail(0.95, 16)).toBeCloseTo(0.0139, 3);
    expect(expandedTail(0.95, 10000)).toBeCloseTo(0.025, 3);
  });

  it('are seeded: the same run and seed give the same intervals', () => {
    const a = measuredIntervals(syntheticRun(8, 9), { ...options, seed: 4 });
    const b = measuredIntervals(syntheticRun(8, 9), { ...options, seed: 4 });
    expect(a).toEqual(b);
  });
});
