import type { Allocation } from '../model/types.js';
import type { Policy, PolicyContext } from './policy.js';
import { assertFits } from './apportion.js';
import { lockstepAllocation } from './lockstep.js';
import { minmaxSplit } from './minmax.js';

/**
 * Online rebalancing (Cannikin-style re-estimation): start from lockstep, and after every step
 * correct each class's cost curve by the ratio of its observed time to the curve's prediction,
 * then re-solve the min-max split on the corrected curves. The model supplies only the shape of
 * t(b) (how time grows with batch); the scale, including the slowest-of-n tail, any model error
 * and any drift, comes from observations. Observations are noisy, so the ratio is an exponential
 * moving average; the first observation of a class replaces the prior outright.
 */
export interface AdaptiveController {
  /** The allocation for the next step. */
  readonly allocation: Allocation;
  /** Steps observed so far. */
  readonly steps: number;
  /** Current correction factor per class (observed / modelled time); 1 before any observation. */
  readonly corrections: readonly number[];
  /** Feed the slowest-GPU compute seconds per class of the step just run with `allocation`. */
  observe(classTimesS: readonly number[]): void;
}

export interface AdaptiveOptions {
  /** Weight of a new observation in the moving average, in (0, 1]. */
  readonly smoothing?: number;
}

export function createAdaptive(ctx: PolicyContext, options: AdaptiveOptions = {}): AdaptiveController {
  const { model } = ctx;
  const alpha = options.smoothing ?? 0.3;
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`smoothing must be in (0, 1], got ${alpha}`);
  assertFits(model, 'adaptive');
  let allocation: Allocation = lockstepAllocation(model);
  const rho: (number | null)[] = model.classes.map(() => null);
  let steps = 0;
  const current = (): number[] => {
    const seen = rho.filter((r): r is number => r !== null).sort((a, b) => a - b);
    // A class never observed (it had no sequences) borrows the median correction of the others.
    const fallback = seen.length > 0 ? (seen[Math.floor(seen.length / 2)] ?? 1) : 1;
    return rho.map((r) => r ?? fallback);
  };
  return {
    get allocation() {
      return allocation;
    },
    get steps() {
      return steps;
    },
    get corrections() {
      return current();
    },
    observe(classTimesS: readonly number[]) {
      if (classTimesS.length !== model.classes.length) throw new RangeError(`expected ${model.classes.length} class times, got ${classTimesS.length}`);
      model.classes.forEach((c, i) => {
        const s = allocation[i] ?? 0;
        const observed = classTimesS[i] ?? 0;
        if (s <= 0 || !(observed > 0) || !Number.isFinite(observed)) return;
        const predicted = c.timeS(Math.ceil(s / c.count));
        if (!(predicted > 0)) return;
        const ratio = observed / predicted;
        const prev = rho[i] ?? null;
        rho[i] = prev === null ? ratio : (1 - alpha) * prev + alpha * ratio;
      });
      steps++;
      const f = current();
      allocation = minmaxSplit(
        model.classes.map((c, i) => ({
          count: c.count,
          cap: Math.max(0, c.memoryCapSequences),
          time: (b: number) => (b > 0 ? (f[i] ?? 1) * c.timeS(b) : 0),
        })),
        model.globalBatch,
      ).allocation;
    },
  };
}

/** As a Policy, adaptive's allocation is its starting point (lockstep); runners drive createAdaptive. */
export const adaptive: Policy = {
  name: 'adaptive',
  summary: 'starts at lockstep, rebalances each step from observed times',
  kind: 'adaptive',
  allocate: (ctx: PolicyContext) => createAdaptive(ctx).allocation,
};
