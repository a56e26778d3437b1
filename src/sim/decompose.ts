import type { Allocation, ClusterModel } from '../model/types.js';
import type { LossDecomposition } from '../report/schema.js';
import { minmaxAllocation } from '../policy/minmax.js';
import { fixedDraws, type JitterDraws } from './draws.js';
import { runStatic, staticFigures } from './static-run.js';

/**
 * Splits a policy's straggler loss (1 - busy GPU-time / total GPU-time) into causes, as the
 * differences between successively less idealised scenarios (a waterfall, so the parts add up
 * to the total by construction):
 *
 *   L0 = minmax with no memory caps, no jitter, no communication (only integer granularity left)
 *   L1 = minmax with memory caps                    memoryCaps    = L1 - L0
 *   L2 = the policy's allocation                    generationMix = L2 - L1 + L0
 *        (lockstep: the classic straggler effect; includes L0, the integer granularity, since
 *        it is part of splitting work over unequal workers and has no field of its own)
 *   L3 = + per-worker jitter (slowest of n)         jitter        = L3 - L2
 *   L4 = + exposed all-reduce = the total           communication = L4 - L3
 *
 * memoryCaps is the part no split can win back, because the fast generations cannot hold their
 * balanced share; generationMix is what the policy leaves on the table beyond that. The order
 * matters (the parts interact: jitter costs more on an already-unbalanced step); this order
 * charges the mix first, the question the tool is asked.
 *
 * `draws` is the jitter: a simulation's per-step draws (the total then equals the simulated
 * straggler loss exactly), or fixedDraws(tail factors) for the expected-value model.
 */
export function decomposeLoss(model: ClusterModel, allocation: Allocation, draws: JitterDraws): LossDecomposition {
  const none = fixedDraws(model.classes.map(() => 1));
  const loss = (alloc: Allocation, d: JitterDraws, comm: boolean): number => staticFigures(model, alloc, runStatic(model, alloc, d, comm), NaN).stragglerLoss;
  const l0 = loss(minmaxAllocation(model, undefined, true), none, false);
  const l1 = loss(minmaxAllocation(model), none, false);
  const l2 = loss(allocation, none, false);
  const l3 = loss(allocation, draws, false);
  const total = loss(allocation, draws, true);
  const memoryCaps = l1 - l0;
  const generationMix = l2 - l1 + l0;
  const jitter = l3 - l2;
  // The last part closes the sum in floating point too.
  const communication = total - (memoryCaps + generationMix + jitter);
  return { total, generationMix, jitter, communication, memoryCaps };
}
