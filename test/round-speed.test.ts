import { describe, expect, it } from 'vitest';
import { composeFigures, type FigureInputs } from '../src/bench/measured-figures.js';
import { roundSpeeds } from '../src/bench/round-speed.js';
import type { Measured } from '../src/bench/rounds.js';
import { DEFAULT_NOISE, SYNTHETIC_MODEL, syntheticRun } from './helpers/synthetic-rounds.js';

/*
 * The device's speed round by round (bench/round-speed.ts): a shared host that slows down after
 * the pilot, or from one round to the next, must not read as a slower cluster. Synthetic runs
 * without pass noise: the truth is the same run at constant speed.
 */
const quiet = { ...DEFAULT_NOISE, passCv: 0, roundCv: 0 };
const truth = syntheticRun(12, 3, quiet);
const scaleRounds = (m: Measured, factor: (r: number) => number): Measured => ({
  ...m,
  local: m.local.map((step, r) => step.map((t) => t * factor(r))),
});
const withRounds = (inputs: FigureInputs, factor: (r: number) => number): FigureInputs => ({
  ...inputs,
  measured: inputs.measured.map((m) => scaleRounds(m, factor)),
});
// Within 0.2%: drift scales a pass's fixed cost too, which the local-time fit then removes as a
// constant, so the rounds' corrected times are not exact multiples of each other.
const near = (x: number | undefined, y: number | undefined) => {
  expect(Math.abs((x ?? 0) / (y ?? 1) - 1)).toBeLessThan(2e-3);
};
const figures = (inputs: FigureInputs) => composeFigures(inputs, null).compositions.map((c) => c.run.figures);

describe('absolute figures at one device speed', () => {
  it('a device that slowed 1.5x half-way through the rounds gives the constant-speed run its step times', () => {
    // The pilot and the first half at one speed, the second half 1.5x slower: one dilation for the
    // run would read the second half 1.5x high and the median step between the two.
    const slowed = figures(withRounds(truth, (r) => (r >= 6 ? 1.5 : 1)));
    figures(truth).forEach((f, p) => {
      near(slowed[p]?.stepS, f.stepS);
      near(slowed[p]?.mfu, f.mfu);
      near(slowed[p]?.speedup, f.speedup);
    });
  });

  it('a device that drifts round to round (0.7x to 1.6x) too', () => {
    const drift = (r: number) => [0.7, 1.6, 1, 1.3, 0.9, 1.45][r % 6] ?? 1;
    const drifting = composeFigures(withRounds(truth, drift), null);
    const plain = composeFigures(truth, null);
    // Within 0.2%: drift scales a pass's fixed cost too, which the local-time fit then removes
    // as a constant, so the rounds' corrected times are not exact multiples of each other.
    const near = (x: number | undefined, y: number | undefined) =>
      expect(Math.abs((x ?? 0) / (y ?? 1) - 1)).toBeLessThan(2e-3);
    drifting.compositions.forEach((c, p) => {
      near(c.run.figures.stepS, plain.compositions[p]?.run.figures.stepS);
      // Every round's step, not only the median: drift no longer spreads them (it did by 0.7-1.6x).
      c.samples.forEach((s, r) => {
        near(s.stepS, plain.compositions[p]?.samples[r]?.stepS);
      });
    });
  });

  it('a --slow what-if is not absorbed: the slowed class still reads its factor', () => {
    const factor = [1.5, 1, 1];
    const slowedClass: FigureInputs = {
      ...truth,
      workFactor: factor,
      pilot: { ...truth.pilot, local: truth.pilot.local.map((s) => s.map((t, i) => t * (factor[i] ?? 1))) },
      measured: truth.measured.map((m) => ({
        ...m,
        local: m.local.map((s) => s.map((t, i) => t * (factor[i] ?? 1))),
      })),
    };
    const slow = composeFigures(slowedClass, null).compositions[0]?.samples[0]?.classComputeS ?? [];
    const plain = composeFigures(truth, null).compositions[0]?.samples[0]?.classComputeS ?? [];
    // (Not exactly: the slowed class's passes round to other whole unit counts.)
    expect((slow[0] ?? 0) / (plain[0] ?? 1)).toBeCloseTo(1.5, 2);
    expect((slow[1] ?? 0) / (plain[1] ?? 1)).toBeCloseTo(1, 2);
  });

  it("each round's speed is the median of its passes' measured over modelled time", () => {
    const cal = truth.calibration;
    const perUnitS = quiet.perUnitS;
    const doubled = withRounds(truth, (r) => (r === 4 ? 2 : 1));
    const g = roundSpeeds(SYNTHETIC_MODEL, doubled.measured, cal, perUnitS);
    expect(g).toHaveLength(12);
    expect((g[4] ?? 0) / (g[3] ?? 1)).toBeCloseTo(2, 9);
    expect((g[5] ?? 0) / (g[3] ?? 1)).toBeCloseTo(1, 9);
  });
});
