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
