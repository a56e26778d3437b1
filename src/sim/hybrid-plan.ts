import { peakFlopsFor } from '../model/compute-curve.js';
import { type ResolvedLayout, virtualStages } from '../model/layout.js';
import type { HybridJob } from './hybrid-model.js';
import { beforeSyncS, type HybridStep, type Waterfall } from './hybrid-step.js';

/**
 * What `hetbench plan` prints for a hybrid-parallel job: the job's lockstep step (every replica
 * the same share, T = the slowest group's step) with its waterfall, and per group its layout,
 * replicas, step and stages (layers, compute, communication, bubble, memory). Units in names:
 * S seconds, GB 1e9 bytes. FLOP convention of tflopsPerGpu and mfu: model FLOPs, causal
 * attention counted at half of 12 L h s (workload/gemms.ts causalModelFlopsPerSequence),
 * over every GPU of the cluster, unused ones included.
 */
export const FLOP_CONVENTION =
  'model FLOPs (6 N per token for the GEMMs, causal attention at half of 12 L h s), every GPU counted';

export interface HybridPlanStage {
  readonly stage: number;
  /** Mixed pipelines only: the stage's generation. */
  readonly gpu?: string;
  readonly layers: number;
  /** Per micro-batch, forward + backward, summed over the device's virtual stages. */
  readonly computeS: number;
  readonly commS: number;
  /** The device's idle time in the step's pipeline (bubble and p2p waits). */
  readonly bubbleS: number;
  readonly dpExposedS: number;
  readonly inFlightMicroBatches: number;
  readonly memoryGB: {
    readonly weights: number;
    readonly gradients: number;
    readonly optimizer: number;
    readonly activations: number;
    readonly reserve: number;
    readonly total: number;
    readonly capacity: number;
  };
  readonly fits: boolean;
}

export interface HybridPlanGroup {
  readonly gpu: string;
  readonly count: number;
  readonly layout: {
    readonly tp: number;
    readonly pp: number;
    readonly cp: number;
    readonly dp: number;
    readonly microBatch: number;
    readonly microBatches: number;
    readonly schedule: '1f1b' | 'interleaved';
    readonly interleave: number;
    readonly zero: number;
    readonly recompute: string;
    readonly sequenceParallel: boolean;
    readonly attention: string;
    readonly stageLayers: readonly number[];
  };
  readonly replicas: number;
  readonly unusedGpus: number;
  /** The larger share: what the slowest replicas run (lockstep gives the remainder one each). */
  readonly sequencesPerReplica: number;
  /** Sequences the group runs per step in all. */
  readonly sequences: number;
  readonly step: {
    readonly seconds: number;
    readonly tflopsPerGpu: number;
    readonly mfu: number;
    readonly fits: boolean;
  };
  readonly waterfall: Waterfall;
  readonly bubbleFraction: number;
  readonly stages: readonly HybridPlanStage[];
}

export interface HybridPlanSummary {
  readonly cluster: string;
  readonly workload: string;
  readonly gpus: number;
  readonly globalBatchSequences: number;
  readonly globalBatchTokens: number;
  readonly flopConvention: string;
  readonly step: {
    readonly seconds: number;
    readonly tflopsPerGpu: number;
    readonly mfu: number;
    readonly tokensPerS: number;
    /** The slowest group's waterfall (the one the job waits for). */
    readonly waterfall: Waterfall;
    readonly fits: boolean;
  };
  readonly groups: readonly HybridPlanGroup[];
  /** Mixed-generation pipeline classes (present only when the layout has some). */
  readonly mixed?: readonly HybridPlanMixed[];
}

/** A mixed-generation pipeline class: each stage's generation, layers, time and memory. */
export interface HybridPlanMixed extends Omit<HybridPlanGroup, 'gpu' | 'count' | 'unusedGpus'> {
  /** Each stage's generation, in pipeline order. */
  readonly stageGpus: readonly string[];
  /** GPUs of all its replicas. */
  readonly gpus: number;
  /** Whether the layers per stage were chosen to balance the stages (else given by the layout). */
  readonly balancedLayers: boolean;
}

const GB = 1e9;

function layoutOf(l: ResolvedLayout): HybridPlanGroup['layout'] {
  return {
    tp: l.tp,
    pp: l.pp,
    cp: l.cp,
    dp: l.dp,
    microBatch: l.microBatch,
    microBatches: l.microBatches,
    schedule: l.schedule.kind,
    interleave: virtualStages(l.schedule),
    zero: l.zero,
    recompute: l.recompute,
    sequenceParallel: l.sequenceParallel,
    attention: l.attention ?? 'flash',
    stageLayers: l.stageLayers,
  };
}

export function summarizeHybridPlan(job: HybridJob): HybridPlanSummary {
  const { model } = job;
  const T = job.lockstepStepS;
  let flops = 0;
  let peak = 0;
  const groups = job.groups.map((g): HybridPlanGroup => {
    const count = g.gpuCount;
    flops += g.step.modelFlops;
    peak += count * peakFlopsFor(g.gpu, model.workload);
    return {
      gpu: g.gpu.id,
      count,
      layout: layoutOf(g.layout),
      replicas: g.layout.dp,
      unusedGpus: g.layout.unusedGpus,
      sequencesPerReplica: g.layout.sequencesPerReplica,
      sequences: g.sequences,
      step: { seconds: g.step.seconds, tflopsPerGpu: g.step.tflopsPerGpu, mfu: g.step.mfu, fits: g.step.fits },
      waterfall: g.step.waterfall,
      bubbleFraction: g.step.timeline.bubbleFraction,
      stages: stagesOf(g.step),
    };
  });
  const mixed = job.mixed.map((c): HybridPlanMixed => {
    flops += c.step.modelFlops;
    const perReplica = c.layout.tp * c.layout.cp;
    for (const gpu of c.stageGpus) peak += c.replicas * perReplica * peakFlopsFor(gpu, model.workload);
    return {
      stageGpus: c.stageGpus.map((g) => g.id),
      gpus: c.gpuCount,
      balancedLayers: c.balanced,
      layout: layoutOf(c.layout),
      replicas: c.replicas,
      sequencesPerReplica: c.layout.sequencesPerReplica,
      sequences: c.sequences,
      step: { seconds: c.step.seconds, tflopsPerGpu: c.step.tflopsPerGpu, mfu: c.step.mfu, fits: c.step.fits },
      waterfall: c.step.waterfall,
      bubbleFraction: c.step.timeline.bubbleFraction,
      stages: stagesOf(
        c.step,
        c.stageGpus.map((g) => g.id),
      ),
    };
  });
  // The GPUs of groups no homogeneous class lays out (what mixed pipelines left) count in MFU's peak.
  job.unusedGpus.forEach((u, i) => {
    const gpu = job.groupGpus[i];
    if (u > 0 && gpu && !job.groups.some((g) => g.groupIndex === i)) peak += u * peakFlopsFor(gpu, model.workload);
  });
  const steps = [...job.groups.map((g) => g.step), ...job.mixed.map((c) => c.step)];
  // The step's waterfall: the class with the most compute before the DP sync, with the sync the
  // job's (every generation's replicas join one), so the rows add up to the composed step T.
  let slowest = steps[0] ?? null;
  for (const st of steps) if (slowest === null || beforeSyncS(st) > beforeSyncS(slowest)) slowest = st;
  const zero = { computeS: 0, tpCommS: 0, bubbleS: 0, ppCommS: 0, dpExposedS: 0, optimizerS: 0 };
  return {
    cluster: model.cluster.name,
    workload: model.workload.name,
    gpus: model.gpus,
    globalBatchSequences: model.globalBatch,
    globalBatchTokens: model.globalBatch * model.tokensPerSequence,
    flopConvention: FLOP_CONVENTION,
    step: {
      seconds: T,
      tflopsPerGpu: T > 0 ? flops / T / model.gpus / 1e12 : 0,
      mfu: T > 0 && peak > 0 ? flops / T / peak : 0,
      tokensPerS: T > 0 ? (model.globalBatch * model.tokensPerSequence) / T : 0,
      waterfall: slowest ? { ...slowest.waterfall, dpExposedS: model.allReduceS } : zero,
      fits: steps.every((st) => st.fits),
    },
    groups,
    ...(mixed.length === 0 ? {} : { mixed }),
  };
}

function stagesOf(step: HybridStep, gpus?: readonly string[]): HybridPlanStage[] {
  const makespan = step.timeline.makespanS;
  return step.stages.map((s, d) => ({
    stage: s.stage,
    ...(gpus === undefined ? {} : { gpu: gpus[d] ?? '' }),
    layers: s.layers,
    computeS: s.forwardS + s.backwardS - s.commS,
    commS: s.commS,
    bubbleS: makespan - (step.timeline.deviceBusyS[d] ?? 0),
    dpExposedS: s.dpExposedS,
    inFlightMicroBatches: s.inFlight,
    memoryGB: {
      weights: s.memory.weightsBytes / GB,
      gradients: s.memory.gradientBytes / GB,
      optimizer: s.memory.optimizerBytes / GB,
      activations: (s.memory.activationBytes + s.memory.gatheredBytes) / GB,
      reserve: s.memory.reserveBytes / GB,
      total: s.memory.totalBytes / GB,
      capacity: s.memory.capacityBytes / GB,
    },
    fits: s.fits,
  }));
}
