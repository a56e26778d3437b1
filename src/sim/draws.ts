import type { ClusterModel } from '../model/types.js';
import { createRng } from '../stats/rng.js';
import { type JitterModel, sampleMax } from './order-stats.js';

/**
 * The jitter every policy faces in one simulation: for each step and class, one draw of the
 * slowest-of-n multiplier (n = the class's GPU count). Drawn once and shared by all policies
 * (common random numbers), so policy differences are not sampling noise; the draw depends only
 * on n, never on the allocation, so sharing is exact.
 */
export interface JitterDraws {
  readonly steps: number;
  readonly classes: number;
  /** Row-major [step][class] multipliers. */
  readonly values: Float64Array;
}

export function drawJitter(model: ClusterModel, jitter: JitterModel, steps: number, seed: number): JitterDraws {
  const k = model.classes.length;
  const values = new Float64Array(steps * k);
  const rng = createRng(seed);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < k; i++) values[t * k + i] = sampleMax(model.classes[i]?.count ?? 0, jitter, rng);
  }
  return { steps, classes: k, values };
}

/** A single "step" whose multipliers are given (e.g. expected tail factors, or all ones). */
export function fixedDraws(factors: readonly number[]): JitterDraws {
  return { steps: 1, classes: factors.length, values: Float64Array.from(factors) };
}
