import type { Allocation, ClusterModel } from '../model/types.js';
import { barrierSync, type StepSync } from '../policy/sync.js';
import { composeRun, modelStep, type RunComposition, type StepInput } from './compose.js';
import type { JitterDraws } from './draws.js';

/**
 * The model's steps of a fixed allocation under `draws`: at step t class c's slowest GPU takes
 * t_c * M_tc (jitter multiplies the slowest GPU; the mean GPU's factor is 1, so mean compute
 * is unchanged). The per-class base times are computed once for the whole run.
 */
export function* drawnSteps(model: ClusterModel, allocation: Allocation, draws: JitterDraws): Generator<StepInput> {
  const k = model.classes.length;
  const base = modelStep(model, allocation);
  for (let t = 0; t < draws.steps; t++) {
    const slowestS = base.slowestS.map((b, i) => b * (draws.values[t * k + i] ?? 1));
    yield { allocation, slowestS, meanS: base.meanS };
  }
}

/**
 * A fixed allocation run for every step of `draws`, composed by the one composer (default: a
 * barrier with the exposed all-reduce; barrierSync(model, false) leaves communication out).
 */
export function runStatic(
  model: ClusterModel,
  allocation: Allocation,
  draws: JitterDraws,
  sync: StepSync = barrierSync(model),
  speedupOver: number | null = null,
): RunComposition {
  return composeRun(model, sync, drawnSteps(model, allocation, draws), speedupOver);
}
