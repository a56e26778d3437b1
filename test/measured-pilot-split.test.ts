import { describe, expect, it } from 'vitest';
import {
  CI_FIGURES,
  composeFigures,
  type FigureInputs,
  measuredIntervals,
  type PilotSplit,
  retimed,
} from '../src/bench/measured-figures.js';
import { proportionalMeasured } from '../src/policy/proportional-measured.js';
import { classComputeS, perGpuBatch } from '../src/sim/compose.js';
import { median } from '../src/stats/quantiles.js';
import { DEFAULT_NOISE, SYNTHETIC_MODEL, syntheticRun } from './helpers/synthetic-rounds.js';

/*
 * proportional-measured's split comes from the pilot (bench/measured-figures.ts PilotSplit): its
 * intervals must carry the pilot's noise as well as the rounds', so two runs whose pilots drew
 * different splits are not told apart by intervals that cover the rounds alone (an A/A false
 * alarm on its straggler loss, docs/ci.md). Synthetic runs: the truth is known.
 */
const model = SYNTHETIC_MODEL;
const policies = ['lockstep', 'proportional-measured', 'minmax'] as const;
const options = { resamples: 300, confidence: 0.95, seed: 7 };

/** Rates as the run derives them, simplified: each class's per-GPU batch over its median pilot time. */
function splitFor(inputs: FigureInputs): PilotSplit {
  const lock = inputs.pilot.allocations[0] ?? [];
  return {
    policy: 'proportional-measured',
    rates: (steps) =>
      model.classes.map((c, i) => {
        const t = median(steps.map((s) => inputs.pilot.local[s]?.[i] ?? 0));
        return t > 0 ? perGpuBatch(c, lock[i] ?? 0) / t : 0;
      }),
    allocate: (rates) => proportionalMeasured.allocate({ model, seed: 1, measuredSequencesPerS: rates }),
  };
}

describe("proportional-measured's intervals carry the pilot's noise", () => {
  // A noisy pilot (25% per pass), quiet rounds (2%): the split's uncertainty dominates.
  const noise = { ...DEFAULT_NOISE, passCv: 0.25, roundCv: 0.02 };
  const base = syntheticRun(48, 11, noise, model, policies);
  const withSplit: FigureInputs = { ...base, pilotSplit: splitFor(base) };

  it('widens that policy only, and moves no point figure', () => {
    const plain = measuredIntervals(base, options);
    const split = measuredIntervals(withSplit, options);
    const width = (iv: readonly [number, number]) => iv[1] - iv[0];
    const pm = policies.indexOf('proportional-measured');
    const ratio = width(split[pm]?.stragglerLoss ?? [0, 0]) / width(plain[pm]?.stragglerLoss ?? [1, 1]);
    expect(ratio).toBeGreaterThan(1.5);
    expect(width(split[pm]?.stepS ?? [0, 0])).toBeGreaterThan(width(plain[pm]?.stepS ?? [0, 0]));
    // The other policies' splits do not come from the pilot: their intervals are the same draws.
    for (const p of [policies.indexOf('lockstep'), policies.indexOf('minmax')])
      expect(split[p]?.stepS).toEqual(plain[p]?.stepS);
    // The point figures are the run as measured, and every interval holds its figure.
    const figures = (i: FigureInputs) => composeFigures(i, null).compositions.map((c) => c.run.figures);
    expect(figures(withSplit)).toEqual(figures(base));
    figures(withSplit).forEach((f, p) => {
      for (const name of CI_FIGURES) {
        const [lo, hi] = split[p]?.[name] ?? [Number.NaN, Number.NaN];
        expect(lo, `${policies[p]} ${name}`).toBeLessThanOrEqual(f[name] * (1 + 1e-12));
        expect(hi, `${policies[p]} ${name}`).toBeGreaterThanOrEqual(f[name] * (1 - 1e-12));
      }
    });
  });

  it('is deterministic for a seed', () => {
    expect(measuredIntervals(withSplit, options)).toEqual(measuredIntervals(withSplit, options));
  });

  it('retimed scales each class by its modelled compute time at the new share over the old', () => {
    const m = base.measured[1];
    if (!m) throw new Error('no measured policy');
    const was = m.allocations[0] ?? [];
    const now = was.map((b, i) => (i === 0 ? b + 640 : i === 1 ? b - 640 : b));
    const r = retimed(model, m, now);
    expect(r.allocations.every((a) => a === now)).toBe(true);
    model.classes.forEach((c, i) => {
      const k = classComputeS(c, now[i] ?? 0) / classComputeS(c, was[i] ?? 0);
      expect((r.local[3]?.[i] ?? 0) / (m.local[3]?.[i] ?? 1)).toBeCloseTo(k, 12);
    });
  });
});
