import type { Allocation, ClusterModel } from '../model/types.js';
import { assertFits } from './apportion.js';
import type { PolicyContext, StaticPolicy } from './policy.js';

/** One class as the min-max solver sees it: `time` is non-decreasing with time(0) = 0. */
export interface MinmaxClass {
  readonly count: number;
  /** Largest per-GPU batch allowed. */
  readonly cap: number;
  time(b: number): number;
}

/** Largest integer b in [0, cap] with time(b) <= t (time is non-decreasing). */
function maxBatchWithin(c: MinmaxClass, t: number): number {
  if (c.count <= 0 || c.cap <= 0) return 0;
  let lo = 0;
  let hi = c.cap;
  if (c.time(hi) <= t) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (c.time(mid) <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The integer split that minimises the slowest class's time, max_c time_c(ceil(s_c / n_c)),
 * subject to s_c <= n_c * cap_c and sum s_c = total.
 *
 * A class of n GPUs given s sequences runs ceil(s/n) per GPU, so within a time budget T it takes
 * at most n * maxBatch(T) sequences. Capacity is monotone in T, so a bisection on T finds the
 * smallest feasible budget T* (which is always one of the values time_c(b)). At T* the classes
 * can hold at least `total`; the surplus is then taken back level by level from whichever class
 * is currently slowest, which never raises any class's time and lowers the slow ones first.
 */
export function minmaxSplit(classes: readonly MinmaxClass[], total: number): { allocation: number[]; maxS: number } {
  const capacity = (t: number): number => classes.reduce((a, c) => a + c.count * maxBatchWithin(c, t), 0);
  let hi = 0;
  for (const c of classes) if (c.count > 0 && c.cap > 0) hi = Math.max(hi, c.time(c.cap));
  if (capacity(hi) < total) throw new RangeError(`total ${total} exceeds capacity ${capacity(hi)}`);
  let lo = 0;
  for (let i = 0; i < 200 && hi - lo > hi * 1e-15; i++) {
    const mid = lo + (hi - lo) / 2;
    if (capacity(mid) >= total) hi = mid;
    else lo = mid;
  }
  const maxB = classes.map((c) => maxBatchWithin(c, hi));
  const s = classes.map((c, i) => c.count * (maxB[i] ?? 0));
  let surplus = s.reduce((a, b) => a + b, 0) - total;
  const classTime = (i: number): number => {
    const c = classes[i];
    const si = s[i] ?? 0;
    return c && si > 0 ? c.time(Math.ceil(si / c.count)) : 0;
  };
  while (surplus > 0) {
    let worst = -1;
    let worstT = -1;
    for (let i = 0; i < classes.length; i++) {
      if ((s[i] ?? 0) <= 0) continue;
      const t = classTime(i);
      if (t > worstT) {
        worstT = t;
        worst = i;
      }
    }
    const c = classes[worst];
    if (!c) break;
    const si = s[worst] ?? 0;
    const level = c.count * (Math.ceil(si / c.count) - 1);
    const take = Math.min(si - level, surplus);
    s[worst] = si - take;
    surplus -= take;
  }
  let maxS = 0;
  for (let i = 0; i < classes.length; i++) maxS = Math.max(maxS, classTime(i));
  return { allocation: s, maxS };
}

/** The min-max split of a cluster model, optionally against per-class tail factors. */
export function minmaxAllocation(model: ClusterModel, tailFactors?: readonly number[], ignoreCaps = false): Allocation {
  if (!ignoreCaps) assertFits(model, 'minmax');
  const classes = model.classes.map((c, i) => {
    const f = tailFactors?.[i] ?? 1;
    return {
      count: c.count,
      cap: ignoreCaps ? model.globalBatch : Math.max(0, c.memoryCapSequences),
      time: (b: number) => (b > 0 ? f * c.timeS(b) : 0),
    };
  });
  return minmaxSplit(classes, model.globalBatch).allocation;
}

export const minmax: StaticPolicy = {
  name: 'minmax',
  summary: 'the optimal split: minimise the slowest worker (memory caps, integer batches)',
  kind: 'static',
  allocate: (ctx: PolicyContext) => minmaxAllocation(ctx.model, ctx.classTailFactors),
};
