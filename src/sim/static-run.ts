import type { Allocation, ClusterModel } from '../model/types.js';
import { classComputeS, classMeanComputeS, exposedAllReduceS, figuresAt } from './compose.js';
import type { JitterDraws } from './draws.js';
import type { PolicyFigures } from './figures.js';

/**
 * A fixed allocation run for every step of `draws`: step t takes max_c t_c * M_tc (+ exposed
 * all-reduce when `communication`). The run's figures are its totals (total sequences / total
 * time, total busy time / total GPU-time), which is what a user of the cluster experiences.
 * Jitter multiplies the slowest GPU; the mean GPU's factor is 1, so mean compute is unchanged.
 */
export interface StaticRun {
  readonly meanStepS: number;
  readonly stepS: Float64Array;
  readonly classMeanS: number[];
}

export function runStatic(
  model: ClusterModel,
  allocation: Allocation,
  draws: JitterDraws,
  communication = true,
): StaticRun {
  const k = model.classes.length;
  const base = model.classes.map((c, i) => classComputeS(c, allocation[i] ?? 0));
  const comm = communication ? exposedAllReduceS(model) : 0;
  const stepS = new Float64Array(draws.steps);
  let total = 0;
  for (let t = 0; t < draws.steps; t++) {
    let slowest = 0;
    for (let i = 0; i < k; i++) {
      const v = (base[i] ?? 0) * (draws.values[t * k + i] ?? 1);
      if (v > slowest) slowest = v;
    }
    stepS[t] = slowest + comm;
    total += slowest + comm;
  }
  return {
    meanStepS: draws.steps > 0 ? total / draws.steps : 0,
    stepS,
    classMeanS: model.classes.map((c, i) => classMeanComputeS(c, allocation[i] ?? 0)),
  };
}

export function staticFigures(
  model: ClusterModel,
  allocation: Allocation,
  run: StaticRun,
  lockstepStepS: number,
): PolicyFigures {
  return figuresAt(model, allocation, run.meanStepS, run.classMeanS, lockstepStepS);
}
