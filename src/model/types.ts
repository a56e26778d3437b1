/**
 * The contract between the cluster model (hardware, cluster, workload, cost model) and what
 * stands on it (policies, simulator, measured runner, reports). Pure data; no GPU.
 *
 * Units are in the names: S = seconds, GB = 1e9 bytes, TBs = 1e12 bytes/s, GBs = 1e9 bytes/s,
 * Tflops = 1e12 FLOP/s. "Sequence" is the unit of batch: one training sample of seqLen tokens.
 */

import type { ClusterSpec } from '../cluster/types.js';
import type { GpuSpec } from '../hardware/types.js';
import type { WorkloadSpec } from '../workload/types.js';

/**
 * The modelled cost of one GPU generation (one cluster group) in one cluster. Its workers are
 * its GPUs (data parallelism only) or its replicas (a hybrid-parallel layout: gpusPerWorker).
 * Every worker of the class that is given b sequences takes `timeS(b)` of compute.
 */
export interface ClassCost {
  /** Index of the group in ClusterSpec.groups. */
  readonly index: number;
  readonly gpu: GpuSpec;
  readonly count: number;
  /**
   * Compute seconds for a per-GPU per-step batch of b sequences (b >= 0 integer), run as
   * ceil(b / microBatchCap) micro-batches of near-equal size with gradient accumulation and one
   * optimizer update; timeS(0) = 0; non-decreasing.
   */
  timeS(b: number): number;
  /**
   * Compute seconds if all b sequences ran as ONE micro-batch (memory unlimited): the loss
   * decomposition's reference for what the micro-batch limit costs. Absent: timeS.
   */
  readonly singleMicroBatchTimeS?: (b: number) => number;
  /** Affine fit t(b) ~= fixedS + perSequenceS * b over the useful range (closed-form policies). */
  readonly fixedS: number;
  readonly perSequenceS: number;
  /** The largest micro-batch (sequences) whose activations fit in memory at once; 0 if not even one does. */
  readonly microBatchCap: number;
  /**
   * The hard per-GPU per-step limit policies respect: microBatchCap * maxMicroBatches (gradient
   * accumulation); equal to microBatchCap without accumulation; 0 if not even one sequence fits.
   */
  readonly memoryCapSequences: number;
  /** Peak FLOP/s of one worker of this class at the workload's dtype (for MFU). */
  readonly peakFlops: number;
  /**
   * GPUs per worker: 1 when every GPU is a data-parallel worker (the DP-only model); tp * pp * cp
   * when a worker is a replica of a hybrid-parallel layout (sim/hybrid-model.ts). Absent: 1.
   */
  readonly gpusPerWorker?: number;
  /** GPUs of the group that the layout leaves out of every replica: idle, never busy. Absent: 0. */
  readonly unusedGpus?: number;
}

/** Everything the policies and simulator need about one cluster running one workload. */
export interface ClusterModel {
  readonly cluster: ClusterSpec;
  readonly workload: WorkloadSpec;
  readonly classes: readonly ClassCost[];
  /** Total GPUs (unused ones included). */
  readonly gpus: number;
  /** Sequences per step, exact. */
  readonly globalBatch: number;
  readonly tokensPerSequence: number;
  /** Model FLOPs per sequence (forward + backward, without recomputation). */
  readonly flopsPerSequence: number;
  /** Gradient all-reduce time per step (hierarchical ring, slowest link), seconds. */
  readonly allReduceS: number;
  /** Fraction of the all-reduce hidden behind backward compute, in [0, 1]. */
  readonly overlap: number;
  /**
   * Each class's own gradient synchronisation when it trains alone (islands), seconds before
   * overlap. Absent: derived from the cluster's links (policy/islands.ts). A hybrid job gives its
   * replicas' own DP ring (sim/hybrid-model.ts).
   */
  readonly islandAllReduceS?: readonly number[];
  /** Micro-batches per GPU per step allowed (gradient accumulation); 1 = none. Absent: not recorded. */
  readonly maxMicroBatches?: number;
}

/** Workers (data-parallel ranks: GPUs, or replicas of a hybrid layout) over all classes. */
export function workersOf(model: ClusterModel): number {
  let n = 0;
  for (const c of model.classes) n += c.count;
  return n;
}

/**
 * A split of the global batch: sequences per class (integers summing to globalBatch).
 * Inside a class of n GPUs given s sequences, s mod n GPUs take ceil(s/n) and the rest floor(s/n),
 * so the class's slowest GPU runs ceil(s/n).
 */
export type Allocation = readonly number[];
