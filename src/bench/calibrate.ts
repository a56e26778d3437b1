import type { Gpu } from '../gpu/open.js';
import { type TimingMethod, timePasses } from '../gpu/timer.js';
import { median } from '../stats/quantiles.js';
import type { UnitExecutor } from './unit-executor.js';

/**
 * Time dilation, fixed once per run (docs/measured.md):
 *  - unitsPerClusterS (R): local units of work per modelled cluster-second. A class whose
 *    slowest GPU computes for t cluster-seconds runs R * t units locally, so local work is
 *    proportional to modelled time, for every class and every policy alike.
 *  - dilation (D): cluster-seconds per local second, measured: the reference amount of work
 *    (R * refS units) is timed on the GPU and D = refS / its median local time. A measured
 *    class time is then D * (its local GPU time).
 * R is chosen so that a lockstep step (every class in turn) takes about `stepBudgetS` locally,
 * within REF_UNITS.
 */
export interface Calibration {
  readonly unitS: number;
  readonly refClusterS: number;
  readonly refUnits: number;
  readonly unitsPerClusterS: number;
  readonly refLocalS: number;
  readonly dilation: number;
  readonly timing: TimingMethod;
  /** Relative spread (max/min - 1) of the reference timings, a first look at local noise. */
  readonly refSpread: number;
}

/**
 * Bounds on the reference class's units. Work is rounded to whole units, so a class running
 * u units is off by at most 0.5/u: 40 units on the reference class keep a class at 40% of its
 * time within about 3%. The upper bound keeps a pass's dispatch count sane on fast GPUs.
 */
export const REF_UNITS = { min: 40, max: 4000 } as const;

export async function calibrate(
  gpu: Gpu,
  executor: UnitExecutor,
  lockstepClassS: readonly number[],
  stepBudgetS: number,
  minRefUnits: number = REF_UNITS.min,
  reps = 5,
): Promise<Calibration> {
  const one = executor.work(1);
  await timePasses(gpu, [one, one]); // warm-up: first dispatches pay for lazy driver work
  const unitTimes = await timePasses(
    gpu,
    Array.from({ length: reps }, () => one),
  );
  const unitS = median(unitTimes.seconds.filter(Number.isFinite));
  const refClusterS = Math.max(...lockstepClassS);
  const relative = lockstepClassS.reduce((s, t) => s + t / refClusterS, 0);
  const refUnits = Math.min(REF_UNITS.max, Math.max(minRefUnits, Math.round(stepBudgetS / (unitS * relative))));
  const ref = executor.work(refUnits);
  const refTimes = (
    await timePasses(
      gpu,
      Array.from({ length: reps }, () => ref),
    )
  ).seconds.filter(Number.isFinite);
  const refLocalS = median(refTimes);
  return {
    unitS,
    refClusterS,
    refUnits,
    unitsPerClusterS: refUnits / refClusterS,
    refLocalS,
    dilation: refClusterS / refLocalS,
    timing: unitTimes.method,
    refSpread: Math.max(...refTimes) / Math.min(...refTimes) - 1,
  };
}
