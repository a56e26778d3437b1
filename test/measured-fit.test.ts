import { describe, expect, it } from 'vitest';
import { fitLocalTime } from '../src/bench/local-fit.js';
import { composeFigures, widestSpeedupHalfWidth } from '../src/bench/measured-figures.js';
import { expectedMeasured } from './helpers/expected-measured.js';
import { DEFAULT_NOISE, SYNTHETIC_POLICIES, syntheticRun } from './helpers/synthetic-rounds.js';

/**
 * The local-time fit (local-fit.ts): a pass's fixed cost and the rounding of work to whole
 * units are the emulation's own artifacts, not the cluster's; noise-free local times that
 * have them must compose to exactly the model's figures.
 */
const quiet = { ...DEFAULT_NOISE, passCv: 0, roundCv: 0 };

describe('local-time fit', () => {
  it('recovers an affine pass cost and reports a perfect fit', () => {
    const inputs = syntheticRun(8, 1, { ...quiet, fixedS: 0.002, perUnitS: 0.004 });
    const fit = fitLocalTime(inputs.model, inputs.calibration, [inputs.pilot, ...inputs.measured], 'fit');
    expect(fit.shape).toBe('affine');
    expect(fit.fixedS).toBeCloseTo(0.002, 9);
    expect(fit.perUnitS).toBeCloseTo(0.004, 9);
    expect(fit.r2).toBeCloseTo(1, 9);
    expect(fit.maxRelResidual).toBeLessThan(1e-9);
    expect(fit.unitCounts).toBeGreaterThanOrEqual(3);
  });

  it('falls back to proportional when longer passes run slower per unit (no fixed cost to remove)', () => {
    const inputs = syntheticRun(8, 1, { ...quiet, fixedS: -0.003 });
    const fit = fitLocalTime(inputs.model, inputs.calibration, [inputs.pilot, ...inputs.measured], 'fit');
    expect(fit.shape).toBe('proportional');
    expect(fit.fixedS).toBe(0);
    expect(fit.r2).toBeLessThan(1);
  });

  it('does not invent a fixed cost from noise', () => {
    let invented = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const inputs = syntheticRun(16, seed, { ...DEFAULT_NOISE, fixedS: 0, passCv: 0.3, roundCv: 0.1 });
      const fit = fitLocalTime(inputs.model, inputs.calibration, [inputs.pilot, ...inputs.measured], 'fit');
      if (fit.shape === 'affine') invented++;
    }
    expect(invented).toBeLessThanOrEqual(2);
  });

  it('noise-free local times with a fixed cost and whole units compose to the model, every policy', () => {
    const inputs = syntheticRun(8, 1, { ...quiet, fixedS: 0.003 });
    const fitted = composeFigures(inputs, null);
    const raw = composeFigures({ ...inputs, localTime: 'raw' }, null);
    const expected = expectedMeasured(inputs);
    let rawWorst = 0;
    SYNTHETIC_POLICIES.forEach((p, i) => {
      const f = fitted.compositions[i]?.run.figures;
      const e = expected[i];
      expect(f?.speedup, p).toBeCloseTo(e?.speedup ?? Number.NaN, 9);
      expect(f?.stragglerLoss, p).toBeCloseTo(e?.stragglerLoss ?? Number.NaN, 9);
      expect(f?.stepS, p).toBeCloseTo(e?.stepS ?? Number.NaN, 6);
      const r = raw.compositions[i]?.run.figures.speedup ?? Number.NaN;
      rawWorst = Math.max(rawWorst, Math.abs(r / (e?.speedup ?? 1) - 1));
    });
    // Without the fit (the old composition) the artifacts show: at least 1% off somewhere.
    expect(rawWorst).toBeGreaterThan(0.01);
  });

  it('the widest speedup half-width ignores lockstep and is finite for a noisy run', () => {
    const inputs = syntheticRun(8, 3);
    const f = composeFigures(inputs, null);
    const point = f.compositions.map((c) => ({
      stepS: [c.run.figures.stepS, c.run.figures.stepS] as const,
      speedup: [c.run.figures.speedup * 0.9, c.run.figures.speedup * 1.1] as const,
      stragglerLoss: [0, 0] as const,
      mfu: [0, 0] as const,
      tokensPerS: [0, 0] as const,
    }));
    expect(widestSpeedupHalfWidth(inputs.measured, f.compositions, point)).toBeCloseTo(0.1, 12);
  });
});
