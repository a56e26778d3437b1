import type { Allocation } from '../model/types.js';
import { median } from '../stats/quantiles.js';
import { assertFits } from './apportion.js';
import { lockstepAllocation } from './lockstep.js';
import { minmaxSplit } from './minmax.js';
import type { AdaptiveController, AdaptivePolicy, PolicyContext } from './policy.js';

/**
 * Online rebalancing (Cannikin-style re-estimation): start from lockstep, and after every step
 * correct each class's cost curve by the ratio of its observed time to the curve's prediction,
 * then re-solve the min-max split on the corrected curves. The model supplies only the shape of
 * t(b) (how time grows with batch); the scale, including the slowest-of-n tail, any model error
 * and any drift, comes from observations. Observations are noisy, and a real device's noise
 * comes in bursts, so the correction is the median of the class's last few ratios: one slow
 * outlier cannot throw the split off (an average would carry it for many steps).
 */

export interface AdaptiveOptions {
  /** How many recent observations per class the correction's median takes (default 5). */
  readonly window?: number;
}

export function createAdaptive(ctx: PolicyContext, options: AdaptiveOptions = {}): AdaptiveController {
  const { model } = ctx;
  const window = options.window ?? 5;
  if (!(Number.isInteger(window) && window >= 1)) throw new RangeError(`window must be an integer >= 1, got ${window}`);
  assertFits(model, 'adaptive');
  let allocation: Allocation = lockstepAllocation(model);
  const history: number[][] = model.classes.map(() => []);
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
      if (classTimesS.length !== model.classes.length)
        throw new RangeError(`expected ${model.classes.length} class times, got ${classTimesS.length}`);
      model.classes.forEach((c, i) => {
        const s = allocation[i] ?? 0;
        const observed = classTimesS[i] ?? 0;
        if (s <= 0 || !(observed > 0) || !Number.isFinite(observed)) return;
        const predicted = c.timeS(Math.ceil(s / c.count));
        if (!(predicted > 0)) return;
        const recent = history[i] ?? [];
        recent.push(observed / predicted);
        if (recent.length > window) recent.shift();
        rho[i] = median(recent);
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

/** Adaptive's first allocation is its starting point (lockstep); `start` gives the controller runners drive. */
export const adaptive: AdaptivePolicy = {
  name: 'adaptive',
  summary: 'starts at lockstep, rebalances each step from observed times',
  kind: 'adaptive',
  allocate: (ctx: PolicyContext) => createAdaptive(ctx).allocation,
  start: (ctx: PolicyContext) => createAdaptive(ctx),
};
