import { describe, expect, it } from 'vitest';
import type { Calibration } from '../src/bench/calibrate.js';
import { measuredJitter } from '../src/bench/measured-compose.js';
import { parametricJitter, tailFactor } from '../src/sim/order-stats.js';
import { makeModel } from './helpers/sim-model.js';

/*
 * `run --fleet FILE` without --jitter: the fleet's empirical jitter samples (its nodes' measured
 * per-step noise) drive the measured run's slowest-of-n tail, their shape kept, as in simulate.
 */
describe("the measured run's tail from a fleet file's jitter samples", () => {
  const model = makeModel(
    [
      { id: 'slow', count: 1_000, a: 0, c: 1, cap: 10, peakTflops: 100 },
      { id: 'fast', count: 8, a: 0, c: 0.5, cap: 10, peakTflops: 200 },
    ],
    { globalBatch: 8, allReduceS: 2, overlap: 0.5 },
  );
  const calibration = { unitsPerClusterS: 1, dilation: 1 } as Calibration;
  // A right-skewed sample of mean 1: most steps on time, a few 1.5-2x late (a fail-slow tail).
  const samples = Array.from({ length: 200 }, (_, i) => (i < 190 ? 0.97 : 1.5 + (i - 190) * 0.05));
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const unit = samples.map((x) => x / mean);

  it('uses the samples as an empirical jitter: tail factors per class size, source fleet, the samples CV', () => {
    const j = measuredJitter(model, [], calibration, { samples: unit, from: 'fleet' });
    expect(j.source).toBe('fleet');
    const empirical = { kind: 'empirical', samples: unit } as const;
    expect(j.tailFactors).toEqual([tailFactor(1_000, empirical), tailFactor(8, empirical)]);
    const sd = Math.sqrt(unit.reduce((a, x) => a + (x - 1) ** 2, 0) / (unit.length - 1));
    expect(j.tailCv).toBeCloseTo(sd, 12);
    // The shape matters: a lognormal of the same CV gives the 1,000-GPU class another tail.
    const lognormal = tailFactor(1_000, parametricJitter(j.tailCv));
    expect(Math.abs((j.tailFactors[0] ?? 0) - lognormal)).toBeGreaterThan(0.01);
    // More GPUs, a slower slowest one.
    expect(j.tailFactors[0]).toBeGreaterThan(j.tailFactors[1] ?? Number.POSITIVE_INFINITY);
  });

  it('a given CV and the measured noise are unchanged (source given / measured)', () => {
    expect(measuredJitter(model, [], calibration, { cv: 0.02 })).toMatchObject({ source: 'given', tailCv: 0.02 });
    expect(measuredJitter(model, [], calibration, 'measured')).toMatchObject({ source: 'measured', tailCv: 0 });
  });
});
