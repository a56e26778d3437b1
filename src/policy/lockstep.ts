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
    if (perGpu > c.memoryCapSequences) throw lockstepInfeasible(model, perGpu, c.gpu.id, c.memoryCapSequences);
    return s;
  });
}

export const lockstep: StaticPolicy = {
  name: 'lockstep',
  summary: 'the same batch on every GPU (the default for mixed clusters)',
  kind: 'static',
  allocate: (ctx: PolicyContext) => lockstepAllocation(ctx.model),
};

/**
 * The error for a global batch lockstep cannot place, with a fix that works: lockstep is the
 * baseline every command runs, so "use another policy" cannot help; the largest batch that
 * fits (workers x the smallest memory cap) can. When a GPU cannot hold one sequence, no batch
 * fits, and the message says what can: other GPUs, or a workload that needs less memory.
 * The field is `globalBatch`; the CLI renames it to the input that set it.
 */
function lockstepInfeasible(model: ClusterModel, perGpu: number, gpu: string, cap: number): UsageError {
  const workers = workersOf(model);
  const smallestCap = Math.min(...model.classes.filter((c) => c.count > 0).map((c) => c.memoryCapSequences));
  const largest = workers * Math.max(0, smallestCap);
  const fix =
    largest > 0
      ? `lower it to at most ${largest.toLocaleString('en-US')} (${workers.toLocaleString('en-US')} GPUs x ${smallestCap}, ` +
        'the smallest memory cap), the largest that lockstep, the baseline of every comparison, can place.'
      : `no global batch fits: the ${gpu} cannot hold one sequence of this workload, and lockstep, ` +
        'the baseline of every comparison, gives every GPU one; use a cluster without it or with more memory ' +
        'per GPU, or a workload that needs less memory (recompute: "full", a shorter seqLen).';
  return new UsageError(
    'globalBatch',
    model.globalBatch,
    `is infeasible under lockstep: ${perGpu.toLocaleString('en-US')} sequences per GPU exceed the ${gpu} memory cap of ${cap}; ${fix}`,
  );
}
