import type { Allocation, ClassCost, ClusterModel } from '../model/types.js';
import type { PolicyFigures } from './figures.js';

/**
 * Composes one synchronous data-parallel step from per-class compute times:
 *   T = max over classes of the class's slowest-GPU compute + exposed all-reduce,
 * where exposed all-reduce = allReduceS * (1 - overlap): the overlapped part of the gradient
 * all-reduce runs behind backward compute, the rest is a barrier every worker waits at.
 *
 * The same function composes predicted steps (from the cost model) and measured ones (the
 * measured runner passes its dilation-undone GPU times), so both are judged by one definition.
 */
export interface StepComposition {
  readonly stepS: number;
  /** Busy fraction per class: mean worker compute time / step time. */
  readonly busy: number[];
  /** 1 - sum over workers of busy time / (N * T). */
  readonly stragglerLoss: number;
  readonly tokensPerS: number;
  /** Model FLOP/s achieved / sum over every GPU of its own peak. */
  readonly mfu: number;
  readonly exposedAllReduceS: number;
}

export function exposedAllReduceS(model: ClusterModel): number {
  return model.allReduceS * (1 - model.overlap);
}

/** Sum over every GPU of its own peak FLOP/s: MFU's denominator. */
export function clusterPeakFlops(model: ClusterModel): number {
  let s = 0;
  for (const c of model.classes) s += c.count * c.peakFlops;
  return s;
}

/** Per-GPU batch of the class's slowest GPU: ceil(s / n) (Allocation semantics). */
export function perGpuBatch(cls: ClassCost, sequences: number): number {
  return cls.count > 0 ? Math.ceil(sequences / cls.count) : 0;
}

/** Slowest-GPU compute time of a class given its sequences (no jitter). */
export function classComputeS(cls: ClassCost, sequences: number): number {
  const b = perGpuBatch(cls, sequences);
  return b > 0 ? cls.timeS(b) : 0;
}

/**
 * Mean compute time over the class's GPUs (no jitter): s mod n GPUs run ceil(s/n), the rest
 * floor(s/n). This, not the slowest GPU, is what the class's busy fraction counts.
 */
export function classMeanComputeS(cls: ClassCost, sequences: number): number {
  const n = cls.count;
  if (n <= 0 || sequences <= 0) return 0;
  const lo = Math.floor(sequences / n);
  const r = sequences - lo * n;
  const tLo = lo > 0 ? cls.timeS(lo) : 0;
  return r === 0 ? tLo : (r * cls.timeS(lo + 1) + (n - r) * tLo) / n;
}

/**
 * @param classComputeS slowest-GPU compute seconds per class (cluster time).
 * @param classMeanS mean-GPU compute seconds per class; defaults to classComputeS (what a
 *   runner that times one representative GPU per class has).
 */
export function composeStep(
  model: ClusterModel,
  allocation: Allocation,
  classComputeS: readonly number[],
  classMeanS: readonly number[] = classComputeS,
): StepComposition {
  checkShape(model, allocation, classComputeS);
  let slowest = 0;
  for (const t of classComputeS) slowest = Math.max(slowest, t);
  const comm = exposedAllReduceS(model);
  const { speedup: _unused, ...f } = figuresAt(model, allocation, slowest + comm, classMeanS, NaN);
  return { ...f, exposedAllReduceS: comm };
}

/**
 * The figures of a step (or of a run's mean step) of length stepS in which class c's GPUs
 * compute for classMeanS[c] on average: the one place the metric definitions live.
 */
export function figuresAt(
  model: ClusterModel,
  allocation: Allocation,
  stepS: number,
  classMeanS: readonly number[],
  lockstepStepS: number,
): PolicyFigures & { busy: number[] } {
  const busy = model.classes.map((_, i) => (stepS > 0 ? (classMeanS[i] ?? 0) / stepS : 0));
  let busyGpus = 0;
  model.classes.forEach((c, i) => {
    busyGpus += c.count * (busy[i] ?? 0);
  });
  let sequences = 0;
  for (const s of allocation) sequences += s;
  const peak = clusterPeakFlops(model);
  return {
    stepS,
    busy,
    stragglerLoss: 1 - busyGpus / model.gpus,
    tokensPerS: stepS > 0 ? (sequences * model.tokensPerSequence) / stepS : 0,
    mfu: stepS > 0 && peak > 0 ? (sequences * model.flopsPerSequence) / stepS / peak : 0,
    speedup: stepS > 0 ? lockstepStepS / stepS : 0,
  };
}

/**
 * Islands: every class trains as its own homogeneous job with its own all-reduce and no
 * cross-class barrier. Throughput adds up over islands; the "step time" reported is the time
 * the cluster takes to process one global batch's worth of sequences (globalBatch / aggregate
 * sequences per second), so speedup stays comparable with the synchronous policies. It is not
 * one model's progress: each island trains a separate replica.
 */
export interface IslandsComposition extends StepComposition {
  /** Each island's own step time: its compute + its own exposed all-reduce. */
  readonly islandStepS: number[];
  readonly islandTokensPerS: number[];
}

export function composeIslands(
  model: ClusterModel,
  allocation: Allocation,
  classComputeS: readonly number[],
  islandAllReduceS: readonly number[],
  classMeanS: readonly number[] = classComputeS,
): IslandsComposition {
  checkShape(model, allocation, classComputeS);
  const islandStepS = model.classes.map((_, i) => {
    const compute = classComputeS[i] ?? 0;
    return compute > 0 ? compute + (islandAllReduceS[i] ?? 0) * (1 - model.overlap) : 0;
  });
  const islandSeqPerS = islandStepS.map((t, i) => (t > 0 ? (allocation[i] ?? 0) / t : 0));
  const seqPerS = islandSeqPerS.reduce((a, b) => a + b, 0);
  const sequences = allocation.reduce((a, b) => a + b, 0);
  const stepS = seqPerS > 0 ? sequences / seqPerS : 0;
  const busy = model.classes.map((_, i) => {
    const t = islandStepS[i] ?? 0;
    return t > 0 ? (classMeanS[i] ?? 0) / t : 0;
  });
  let busyGpus = 0;
  model.classes.forEach((c, i) => {
    busyGpus += c.count * (busy[i] ?? 0);
  });
  const peak = clusterPeakFlops(model);
  return {
    stepS,
    busy,
    stragglerLoss: 1 - busyGpus / model.gpus,
    tokensPerS: seqPerS * model.tokensPerSequence,
    mfu: peak > 0 ? (seqPerS * model.flopsPerSequence) / peak : 0,
    exposedAllReduceS: 0,
    islandStepS,
    islandTokensPerS: islandSeqPerS.map((s) => s * model.tokensPerSequence),
  };
}

function checkShape(model: ClusterModel, allocation: Allocation, classComputeS: readonly number[]): void {
  if (allocation.length !== model.classes.length || classComputeS.length !== model.classes.length) {
    throw new RangeError(
      `expected ${model.classes.length} classes, got allocation ${allocation.length} and times ${classComputeS.length}`,
    );
  }
}
