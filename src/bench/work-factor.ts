/**
 * A fail-slow what-if: each class's local work is multiplied by its factor (2: that
 * generation's passes run twice the units, so it is measured twice as slow). The model is not
 * told; only what measures (the composition, proportional-measured's pilot rates, adaptive's
 * observations) sees it. The calibration's reference work is never scaled: it measures the
 * local device, not a cluster generation.
 */
export type WorkFactor = readonly number[];

/** Class i's factor (1 where none is given). */
export function factorOf(workFactor: WorkFactor | undefined, i: number): number {
  return workFactor?.[i] ?? 1;
}
