import { UsageError } from '../errors.js';
import { type Allocation, type ClusterModel, workersOf } from '../model/types.js';
import type { PolicyContext, StaticPolicy } from './policy.js';

/**
 * The same batch on every worker (GPU, or replica of a hybrid layout), what a mixed cluster runs
 * by default. When N workers do not divide the global batch B, every worker takes floor(B/N) and
 * the R = B mod N extra sequences go one per worker to the first R workers in cluster-spec order (rank order), so per-GPU batches differ
 * by at most one and the split stays blind to speed, as lockstep is.
 */
export function lockstepAllocation(model: ClusterModel): Allocation {
  const workers = workersOf(model);
  const base = Math.floor(model.globalBatch / workers);
  let extra = model.globalBatch - base * workers;
  return model.classes.map((c) => {
    const add = Math.min(extra, c.count);
    extra -= add;
    const s = c.count * base + add;
    const perGpu = c.count > 0 ? Math.ceil(s / c.count) : 0;
    if (perGpu > c.memoryCapSequences) {
      throw new UsageError(
        'globalBatch',
        model.globalBatch,
        `is infeasible under lockstep: ${perGpu} sequences per GPU exceed the ${c.gpu.id} memory cap of ${c.memoryCapSequences}; lower the global batch or use a heterogeneity-aware policy.`,
      );
    }
    return s;
  });
}

export const lockstep: StaticPolicy = {
  name: 'lockstep',
  summary: 'the same batch on every GPU (the default for mixed clusters)',
  kind: 'static',
  allocate: (ctx: PolicyContext) => lockstepAllocation(ctx.model),
};
