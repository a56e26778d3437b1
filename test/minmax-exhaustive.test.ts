import { describe, expect, it } from 'vitest';
import type { ClusterModel } from '../src/model/types.js';
import { minmaxAllocation } from '../src/policy/minmax.js';
import { createRng } from '../src/stats/rng.js';
import { type ClassSpec, makeModel } from './helpers/sim-model.js';

/** The slowest class's time for an allocation (Allocation semantics: ceil(s/n) per GPU). */
function maxTime(model: ClusterModel, alloc: readonly number[], tails?: readonly number[]): number {
  return Math.max(
    ...model.classes.map((c, i) =>
      (alloc[i] ?? 0) > 0 ? (tails?.[i] ?? 1) * c.timeS(Math.ceil((alloc[i] ?? 0) / c.count)) : 0,
    ),
  );
}

/** Every split of the batch over the classes within the caps; the best max time. */
function exhaustive(model: ClusterModel, tails?: readonly number[]): number {
  let best = Infinity;
  const k = model.classes.length;
  const s: number[] = new Array<number>(k).fill(0);
  const rec = (i: number, left: number): void => {
    const c = model.classes[i];
    if (!c) return;
    const cap = c.count * c.memoryCapSequences;
    if (i === k - 1) {
      if (left <= cap) {
        s[i] = left;
        best = Math.min(best, maxTime(model, s, tails));
      }
      return;
    }
    for (let x = 0; x <= Math.min(cap, left); x++) {
      s[i] = x;
      rec(i + 1, left - x);
    }
  };
  rec(0, model.globalBatch);
  return best;
}

// Random small clusters: affine and non-affine (saturating-efficiency) cost curves, caps, tails.
const cases = Array.from({ length: 40 }, (_, t) => {
  const rng = createRng(100 + t);
  const k = 1 + Math.floor(rng.open() * 3);
  const classes: ClassSpec[] = Array.from({ length: k }, (_, i) => {
    const a = rng.open() * 0.5;
    const c = 0.1 + rng.open() * 2;
    const curved = rng.open() < 0.5;
    return {
      id: `g${i}`,
      count: 1 + Math.floor(rng.open() * 4),
      a,
      c,
      cap: 1 + Math.floor(rng.open() * 8),
      ...(curved ? { timeS: (b: number) => (b > 0 ? a + c * b * (1 + 2 / (b + 1)) : 0) } : {}),
    };
  });
  const capacity = classes.reduce((s, c) => s + c.count * c.cap, 0);
  const globalBatch = 1 + Math.floor(rng.open() * capacity);
  const tails = rng.open() < 0.5 ? classes.map(() => 1 + rng.open() * 0.2) : undefined;
  return { t, model: makeModel(classes, { globalBatch }), tails };
});

describe('minmax against exhaustive search on small clusters', () => {
  it.each(cases)('case $t', ({ model, tails }) => {
    const alloc = minmaxAllocation(model, tails);
    expect(alloc.reduce((a, b) => a + b, 0)).toBe(model.globalBatch);
    expect(maxTime(model, alloc, tails)).toBeCloseTo(exhaustive(model, tails), 12);
  });
});
