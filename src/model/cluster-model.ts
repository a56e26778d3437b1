import type { ClusterSpec } from '../cluster/types.js';
import { SpecError } from '../errors.js';
import { findGpu } from '../hardware/catalog.js';
import type { GpuSpec } from '../hardware/types.js';
import { flopsPerSequence, gradientBytes } from '../workload/gemms.js';
import type { WorkloadSpec } from '../workload/types.js';
import { type AllReduceBreakdown, hierarchicalAllReduce, type RingGroup } from './allreduce.js';
import { accumulatedCurve, affineFit, curveParts, peakFlopsFor } from './compute-curve.js';
import { memoryBreakdown } from './memory-cap.js';
import type { ClassCost, ClusterModel } from './types.js';

/** Fraction of the gradient all-reduce hidden behind backward compute when not given. */
export const DEFAULT_OVERLAP = 0.5;
/**
 * Micro-batches one GPU may run per step (gradient accumulation) when not given: the per-step
 * per-GPU limit is microBatchCap * this. 64 leaves every preset's per-GPU batch far inside it
 * while keeping a bound, so a policy cannot pile a whole cluster's batch onto one generation.
 */
export const DEFAULT_MAX_MICRO_BATCHES = 64;
/** Largest global batch accepted (sequences). */
export const MAX_GLOBAL_BATCH = 1e12;

export interface ClusterModelOptions {
  /** GPUs to resolve groups against (a spec's merged list); the catalog when absent. */
  readonly gpus?: readonly GpuSpec[];
  /** Fraction of the all-reduce hidden behind compute, [0, 1]. */
  readonly overlap?: number;
  /** Sequences per step, overriding the workload's global batch. */
  readonly globalBatch?: number;
  /**
   * Gradient-accumulation limit: micro-batches per GPU per step, a whole number >= 1 (default
   * DEFAULT_MAX_MICRO_BATCHES). 1 is the model without accumulation: the per-step batch must fit
   * in memory at once, and timeS is the single-micro-batch curve.
   */
  readonly maxMicroBatches?: number;
}

/**
 * The cost model of one workload on one cluster: for each generation (group) its compute
 * curve t(b), affine fit and memory cap; the exact global batch; the all-reduce time.
 * Throws SpecError for an unknown GPU or an invalid option.
 */
export function buildClusterModel(
  cluster: ClusterSpec,
  workload: WorkloadSpec,
  options: ClusterModelOptions = {},
): ClusterModel {
  const gpus = cluster.groups.reduce((n, g) => n + g.count, 0);
  if (gpus < 1) throw new SpecError('$.groups', cluster.groups.length, 'must hold at least one GPU.');
  const globalBatch = resolveGlobalBatch(workload, gpus, options.globalBatch);
  const overlap = options.overlap ?? DEFAULT_OVERLAP;
  if (!Number.isFinite(overlap) || overlap < 0 || overlap > 1)
    throw new SpecError('overlap', overlap, 'must be a fraction from 0 to 1.');
  const specs = cluster.groups.map((g, i) => {
    try {
      return findGpu(g.gpu, options.gpus);
    } catch (err) {
      if (err instanceof SpecError) throw new SpecError(`$.groups[${i}].gpu`, g.gpu, err.fix);
      throw err;
    }
  });
  const maxMicroBatches = options.maxMicroBatches ?? DEFAULT_MAX_MICRO_BATCHES;
  if (!Number.isSafeInteger(maxMicroBatches) || maxMicroBatches < 1)
    throw new SpecError('maxMicroBatches', maxMicroBatches, 'must be a whole number of micro-batches, at least 1.');
  const lockstepPerGpu = Math.ceil(globalBatch / gpus);
  const classes: ClassCost[] = cluster.groups.map((g, index) => {
    const gpu = specs[index] as GpuSpec;
    const { timeS: single, perStepS } = curveParts(gpu, workload, gpus);
    const microBatchCap = memoryBreakdown(gpu, workload, gpus).capSequences;
    // Without accumulation nothing is split, so the curve is the old one everywhere, beyond the cap too.
    const timeS = maxMicroBatches === 1 ? single : accumulatedCurve(single, perStepS, microBatchCap);
    const memoryCapSequences = microBatchCap * maxMicroBatches;
    const { fixedS, perSequenceS } = affineFit(timeS, affineFitRange(memoryCapSequences, lockstepPerGpu));
    return {
      index,
      gpu,
      count: g.count,
      timeS,
      singleMicroBatchTimeS: single,
      fixedS,
      perSequenceS,
      microBatchCap,
      memoryCapSequences,
      peakFlops: peakFlopsFor(gpu, workload),
    };
  });
  return {
    cluster,
    workload,
    classes,
    gpus,
    globalBatch,
    tokensPerSequence: workload.seqLen,
    flopsPerSequence: flopsPerSequence(workload),
    allReduceS: allReduceBreakdown(cluster, workload, specs).totalS,
    overlap,
    maxMicroBatches,
  };
}

/**
 * Upper end of the affine fit: the per-GPU batches policies actually choose, which lie around
 * the lockstep share (a fast generation takes a few times it), never beyond the per-step cap.
 * At least 64 as before accumulation, so small per-GPU batches keep their old fit exactly.
 */
export function affineFitRange(memoryCapSequences: number, lockstepPerGpu: number): number {
  return Math.min(memoryCapSequences, Math.max(64, 4 * lockstepPerGpu));
}

/** The hierarchical-ring all-reduce of the workload's gradients on this cluster, phase by phase. */
export function allReduceBreakdown(
  cluster: ClusterSpec,
  workload: WorkloadSpec,
  specs: readonly GpuSpec[],
): AllReduceBreakdown {
  const ring: RingGroup[] = cluster.groups.map((g, i) => ({
    count: g.count,
    scaleUpDomain: g.scaleUpDomain,
    // A PCIe card in a multi-GPU "domain" talks to its neighbours through the host and NIC.
    scaleUpGBs: specs[i]?.scaleUpGBs ?? g.scaleOutGBs,
    scaleOutGBs: g.scaleOutGBs,
  }));
  return hierarchicalAllReduce(gradientBytes(workload), ring);
}

function resolveGlobalBatch(w: WorkloadSpec, gpus: number, override: number | undefined): number {
  const batch =
    override ?? ('sequences' in w.globalBatch ? w.globalBatch.sequences : w.globalBatch.sequencesPerGpu * gpus);
  if (!Number.isSafeInteger(batch) || batch < 1 || batch > MAX_GLOBAL_BATCH) {
    throw new SpecError(
      override === undefined ? '$.globalBatch' : 'globalBatch',
      batch,
      `must be a whole number of sequences from 1 to ${MAX_GLOBAL_BATCH.toExponential()}.`,
    );
  }
  return batch;
}
