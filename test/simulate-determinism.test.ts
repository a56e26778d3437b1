import { describe, expect, it } from 'vitest';
import { policyNames } from '../src/policy/index.js';
import { simulate } from '../src/sim/simulate.js';
import { colossusLike } from './helpers/sim-model.js';

describe('simulator determinism', () => {
  const model = colossusLike(22_000);
  const run = (seed: number, samples?: number[]) =>
    simulate(model, {
      policies: policyNames,
      steps: 200,
      seed,
      jitterCv: 0.04,
      ...(samples ? { jitterSamples: samples } : {}),
    });

  it.each([1, 12345])('seed %i gives identical results twice', (seed) => {
    expect(JSON.stringify(run(seed))).toBe(JSON.stringify(run(seed)));
  });

  it('different seeds give different draws', () => {
    expect(run(1).lockstepStepS).not.toBe(run(2).lockstepStepS);
  });

  it('empirical jitter is deterministic too', () => {
    const samples = Array.from({ length: 500 }, (_, i) => 1 + 0.03 * Math.sin(i * 1.7) + (i % 50 === 0 ? 0.2 : 0));
    expect(JSON.stringify(run(5, samples))).toBe(JSON.stringify(run(5, samples)));
    expect(run(5, samples).jitter.kind).toBe('empirical');
  });
});

describe('observation noise (what a learning policy sees, not the step)', () => {
  const model = colossusLike(22_000);
  const run = (observationCv: number) =>
    simulate(model, { policies: policyNames, steps: 60, seed: 3, jitterCv: 0.02, observationCv });
  const byPolicy = (r: ReturnType<typeof run>) => new Map(r.policies.map((p) => [p.policy, p]));

  it('moves only the adaptive policy: the fixed splits never observe', () => {
    const quiet = byPolicy(run(0));
    const noisy = byPolicy(run(0.2));
    for (const name of policyNames.filter((p) => p !== 'adaptive'))
      expect(noisy.get(name)?.figures, name).toEqual(quiet.get(name)?.figures);
    // Learning from 20% noise costs it step time against the same draws (median of 5 ratios).
    expect(noisy.get('adaptive')?.figures.stepS ?? 0).toBeGreaterThan(
      (quiet.get('adaptive')?.figures.stepS ?? 0) * 1.01,
    );
  });

  it('is deterministic for a seed, and 0 is the same as none', () => {
    expect(JSON.stringify(run(0.2))).toBe(JSON.stringify(run(0.2)));
    const none = simulate(model, { policies: policyNames, steps: 60, seed: 3, jitterCv: 0.02 });
    expect(JSON.stringify(run(0))).toBe(JSON.stringify(none));
  });
});
