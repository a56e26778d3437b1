/**
 * Order statistics shared by the kernels' timings, the measured run and compare: one median
 * for the whole project. Inputs are never mutated.
 */

export function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Linear-interpolated quantile (type 7, as R and numpy default) of an already sorted array. */
export function quantileSorted(s: readonly number[], q: number): number {
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = s[lo] ?? Number.NaN;
  const b = s[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

/** Median of a sample (NaN for an empty one): the summary every timing in hetbench reports. */
export function median(xs: readonly number[]): number {
  return quantileSorted(sorted(xs), 0.5);
}
