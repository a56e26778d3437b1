import { UsageError } from '../errors.js';
import type { ClusterModel } from '../model/types.js';

/**
 * Splits `total` integer sequences over classes in proportion to `weights`, never giving class i
 * more than caps[i] (largest-remainder rounding; classes that hit their cap are frozen and the
 * rest re-split, so the result sums to `total` exactly whenever sum(caps) >= total).
 */
export function apportion(weights: readonly number[], total: number, caps: readonly number[]): number[] {
  const out = weights.map(() => 0);
  let remaining = total;
  let active = weights.map((w, i) => (w > 0 && (caps[i] ?? 0) > 0 ? i : -1)).filter((i) => i >= 0);
  while (remaining > 0 && active.length > 0) {
    const wSum = active.reduce((a, i) => a + (weights[i] ?? 0), 0);
    const ideal = active.map((i) => (remaining * (weights[i] ?? 0)) / wSum);
    const capped = active.filter((i, j) => (ideal[j] ?? 0) >= (caps[i] ?? 0) - (out[i] ?? 0));
    if (capped.length > 0) {
      for (const i of capped) {
        const add = (caps[i] ?? 0) - (out[i] ?? 0);
        out[i] = (out[i] ?? 0) + add;
        remaining -= add;
      }
      active = active.filter((i) => !capped.includes(i));
      continue;
    }
    const floors = ideal.map(Math.floor);
    let left = remaining - floors.reduce((a, b) => a + b, 0);
    const order = active
      .map((i, j) => ({ i, j, frac: (ideal[j] ?? 0) - (floors[j] ?? 0) }))
      .sort((a, b) => b.frac - a.frac || a.i - b.i);
    active.forEach((i, j) => {
      out[i] = (out[i] ?? 0) + (floors[j] ?? 0);
    });
    for (const { i } of order) {
      if (left <= 0) break;
      if ((out[i] ?? 0) < (caps[i] ?? 0)) {
        out[i] = (out[i] ?? 0) + 1;
        left--;
      }
    }
    remaining = left;
    // Anything still left (only from floating-point edge cases) goes round again.
    active = active.filter((i) => (out[i] ?? 0) < (caps[i] ?? 0));
  }
  if (remaining > 0) throw new RangeError(`cannot place ${remaining} of ${total} under the caps`);
  return out;
}

/** Class-level capacity: count * per-GPU memory cap. */
export function classCaps(model: ClusterModel): number[] {
  return model.classes.map((c) => c.count * Math.max(0, c.memoryCapSequences));
}

/** Throws when the whole cluster cannot hold the global batch at once. */
export function assertFits(model: ClusterModel, policy: string): void {
  const capacity = classCaps(model).reduce((a, b) => a + b, 0);
  if (capacity < model.globalBatch) {
    const fix =
      capacity > 0
        ? `lower it to at most ${capacity.toLocaleString('en-US')}.`
        : 'no GPU of the cluster can hold one sequence of this workload: use GPUs with more memory, ' +
          'or a workload that needs less (recompute: "full", a shorter seqLen).';
    throw new UsageError(
      'globalBatch',
      model.globalBatch,
      `does not fit in memory for ${policy}: the cluster holds at most ${capacity.toLocaleString('en-US')} ` +
        `sequences per step (sum of count * memory cap); ${fix}`,
    );
  }
}
