import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulate.js';
import { makeModel } from './helpers/sim-model.js';

describe('adaptive rebalancing', () => {
  // Lockstep is far from optimal here (a 4x faster generation), so convergence is observable.
  const model = makeModel(
    [
      { id: 'old', count: 512, a: 0.05, c: 1, cap: 16 },
      { id: 'new', count: 512, a: 0.05, c: 0.25, cap: 16 },
    ],
    { globalBatch: 4096, allReduceS: 0.3, overlap: 0.5 },
  );

  it.each([0, 0.05, 0.15])('starts at lockstep and gets within 2%% of minmax with noisy observations (CV %s)', (cv) => {
    const r = simulate(model, { policies: ['lockstep', 'minmax', 'adaptive'], steps: 100, seed: 4, jitterCv: cv });
    const a = r.adaptive;
    expect(a).not.toBeNull();
    const lock = r.policies.find((p) => p.policy === 'lockstep');
    expect(a?.expectedTrace[0]).toBeCloseTo(lock?.expected.stepS ?? NaN, 12);
    expect(a?.expectedTrace[0]).toBeGreaterThan(1.5 * (a?.minmaxExpectedS ?? Infinity));
    expect(a?.stepsToWithin2pct).not.toBeNull();
    expect(a?.stepsToWithin2pct ?? Infinity).toBeLessThanOrEqual(10);
    expect(a?.trace).toHaveLength(100);
    const last = a?.expectedTrace[a.expectedTrace.length - 1] ?? Infinity;
    expect(last).toBeLessThanOrEqual(1.02 * (a?.minmaxExpectedS ?? 0));
  });
});
