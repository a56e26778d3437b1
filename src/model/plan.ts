import { catalog } from '../hardware/catalog.js';
import { activationBytesPerSequence, gradientBytes } from '../workload/gemms.js';
import type { AllReduceBreakdown } from './allreduce.js';
import { allReduceBreakdown } from './cluster-model.js';
import { accumulatedCurve, curveParts, peakFlopsFor } from './compute-curve.js';
import { memoryBreakdown } from './memory-cap.js';
import type { ClusterModel } from './types.js';

/** One generation of a plan under an equal split of the global batch. */
export interface PlanClass {
  readonly gpu: string;
  readonly name: string;
  readonly count: number;
  readonly scaleUpDomain: number;
  readonly scaleOutGBs: number;
  readonly peakPflopsTotal: number;
  readonly memoryTBTotal: number;
  /** count * this GPU's peak / H100 SXM peak at the workload's dtype. */
  readonly h100EquivalentsPeak: number;
  /** count * H100 compute time / this GPU's compute time at the equal-split batch (the model's view). */
  readonly h100EquivalentsModelled: number;
  /** Sequences the slowest GPU of the class runs under an equal split: ceil(globalBatch / gpus). */
  readonly equalSplitSequences: number;
  readonly computeS: number;
  /** Whether the equal split fits this GPU's memory. */
  readonly fits: boolean;
  readonly memoryCapSequences: number;
  /** Largest micro-batch that fits in memory at once (sequences). */
  readonly microBatchCap: number;
  /** Micro-batches each GPU runs at the equal split (gradient accumulation): ceil(b / microBatchCap), 1 if none fits. */
  readonly microBatches: number;
  readonly shardedStateGB: number;
  readonly fixedS: number;
  readonly perSequenceS: number;
  /** Fraction of the lockstep compute phase this class waits for the slowest class. */
  readonly idleFraction: number;
  /** Model FLOPs / (time * peak) of one GPU of this class at the equal split. */
  readonly mfu: number;
}

export interface PlanSummary {
  readonly cluster: string;
  readonly description?: string;
  readonly workload: string;
  readonly gpus: number;
  readonly peakPflops: number;
  readonly h100EquivalentsPeak: number;
  readonly h100EquivalentsModelled: number;
  readonly memoryTB: number;
  readonly globalBatchSequences: number;
  readonly globalBatchTokens: number;
  readonly flopsPerSequence: number;
  readonly activationGBPerSequence: number;
  readonly gradientGB: number;
  readonly classes: readonly PlanClass[];
  readonly allReduce: AllReduceBreakdown & { readonly exposedS: number; readonly overlap: number };
  /** Equal split: slowest class's compute + exposed all-reduce. */
  readonly lockstepStepS: number;
  /** Whether every class can hold its equal share. */
  readonly equalSplitFits: boolean;
}

/** What `hetbench plan` shows: the cluster, per-generation step time at an equal split, caps, all-reduce. */
export function summarizePlan(model: ClusterModel): PlanSummary {
  const w = model.workload;
  const h100 = catalog.find((g) => g.id === 'h100-sxm');
  if (!h100) throw new Error('catalog lost its H100 reference');
  const h100Peak = peakFlopsFor(h100, w);
  // The reference H100 runs with the same gradient accumulation as the model's classes.
  const h100Parts = curveParts(h100, w, model.gpus);
  const h100Time =
    model.maxMicroBatches === 1
      ? h100Parts.timeS
      : accumulatedCurve(h100Parts.timeS, h100Parts.perStepS, memoryBreakdown(h100, w, model.gpus).capSequences);
  const b = Math.ceil(model.globalBatch / model.gpus);
  const times = model.classes.map((c) => c.timeS(b));
  const slowest = Math.max(...times);
  const classes = model.classes.map((c, i): PlanClass => {
    const group = model.cluster.groups[c.index];
    const t = times[i] ?? 0;
    const memory = memoryBreakdown(c.gpu, w, model.gpus);
    return {
      gpu: c.gpu.id,
      name: c.gpu.name,
      count: c.count,
      scaleUpDomain: group?.scaleUpDomain ?? 1,
      scaleOutGBs: group?.scaleOutGBs ?? 0,
      peakPflopsTotal: (c.count * c.peakFlops) / 1e15,
      memoryTBTotal: (c.count * c.gpu.memoryGB) / 1000,
      h100EquivalentsPeak: (c.count * c.peakFlops) / h100Peak,
      h100EquivalentsModelled: (c.count * h100Time(b)) / t,
      equalSplitSequences: b,
      computeS: t,
      fits: b <= c.memoryCapSequences,
      memoryCapSequences: c.memoryCapSequences,
      microBatchCap: c.microBatchCap,
      microBatches: c.microBatchCap > 0 ? Math.ceil(b / c.microBatchCap) : 1,
      shardedStateGB: memory.shardedStateBytes / 1e9,
      fixedS: c.fixedS,
      perSequenceS: c.perSequenceS,
      idleFraction: slowest > 0 ? 1 - t / slowest : 0,
      mfu: (b * model.flopsPerSequence) / (t * c.peakFlops),
    };
  });
  const ar = allReduceBreakdown(
    model.cluster,
    w,
    model.classes.map((c) => c.gpu),
  );
  const exposedS = (1 - model.overlap) * ar.totalS;
  const sum = (f: (c: PlanClass) => number): number => classes.reduce((s, c) => s + f(c), 0);
  return {
    cluster: model.cluster.name,
    ...(model.cluster.description === undefined ? {} : { description: model.cluster.description }),
    workload: w.name,
    gpus: model.gpus,
    peakPflops: sum((c) => c.peakPflopsTotal),
    h100EquivalentsPeak: sum((c) => c.h100EquivalentsPeak),
    h100EquivalentsModelled: sum((c) => c.h100EquivalentsModelled),
    memoryTB: sum((c) => c.memoryTBTotal),
    globalBatchSequences: model.globalBatch,
    globalBatchTokens: model.globalBatch * model.tokensPerSequence,
    flopsPerSequence: model.flopsPerSequence,
    activationGBPerSequence: activationBytesPerSequence(w) / 1e9,
    gradientGB: gradientBytes(w) / 1e9,
    classes,
    allReduce: { ...ar, exposedS, overlap: model.overlap },
    lockstepStepS: slowest + exposedS,
    equalSplitFits: classes.every((c) => c.fits),
  };
}
