import type { Allocation, ClusterModel } from '../model/types.js';
import { minmaxAllocation } from '../policy/minmax.js';
import { barrierSync } from '../policy/sync.js';
import { fixedDraws, type JitterDraws } from './draws.js';
import type { LossDecomposition } from './figures.js';
import { runStatic } from './static-run.js';

/**
 * Splits a policy's straggler loss (1 - busy GPU-time / total GPU-time) into causes, as the
 * differences between successively less idealised scenarios (a waterfall, so the parts add up
 * to the total by construction):
 *
 *   L0 = minmax on the unlimited-memory model: each GPU runs its whole per-step batch as one
 *        micro-batch (singleMicroBatchTimeS) with no cap; no jitter, no communication (only
 *        integer granularity left)
 *   L1 = minmax on the real model: micro-batches of at most microBatchCap, gradient
 *        accumulation, the per-step cap             memoryCaps    = L1 - L0
 *   L2 = the policy's allocation                    generationMix = L2 - L1 + L0
 *        (lockstep: the classic straggler effect; includes L0, the integer granularity, since
 *        it is part of splitting work over unequal workers and has no field of its own)
 *   L3 = + per-worker jitter (slowest of n)         jitter        = L3 - L2
 *   L4 = + exposed all-reduce = the total           communication = L4 - L3
 *
 * memoryCaps is the idle time the memory limit forces on the best split: the per-step cap keeps a
 * fast generation from its balanced share, and the micro-batch limit bends each curve (a new
 * micro-batch every microBatchCap sequences) so the balance differs from the unlimited one. It
 * can be slightly negative when the bent curves happen to balance better at integer batches. It
 * counts idle time only: the slower small micro-batches make every GPU busier for longer, which
 * shows in step time and MFU, not here. generationMix is what the policy leaves on the table
 * beyond that. The order matters (the parts interact: jitter costs more on an already-unbalanced step); this order
 * charges the mix first, the question the tool is asked.
 *
 * `draws` is the jitter: a simulation's per-step draws (the total then equals the simulated
 * straggler loss exactly), or fixedDraws(tail factors) for the expected-value model.
 */
export function decomposeLoss(model: ClusterModel, allocation: Allocation, draws: JitterDraws): LossDecomposition {
  const none = fixedDraws(model.classes.map(() => 1));
  const lossOn = (m: ClusterModel, alloc: Allocation, d: JitterDraws, comm: boolean): number =>
    runStatic(m, alloc, d, barrierSync(m, comm)).figures.stragglerLoss;
  const loss = (alloc: Allocation, d: JitterDraws, comm: boolean): number => lossOn(model, alloc, d, comm);
  const unlimited: ClusterModel = {
    ...model,
    classes: model.classes.map((c) => ({
      ...c,
      timeS: c.singleMicroBatchTimeS ?? c.timeS,
      microBatchCap: model.globalBatch,
      memoryCapSequences: model.globalBatch,
    })),
    maxMicroBatches: 1,
  };
  const l0 = lossOn(unlimited, minmaxAllocation(unlimited, undefined, true), none, false);
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
