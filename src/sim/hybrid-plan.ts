import { peakFlopsFor } from '../model/compute-curve.js';
import { type ResolvedLayout, virtualStages } from '../model/layout.js';
import type { HybridJob } from './hybrid-model.js';
import type { Waterfall } from './hybrid-step.js';

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
  const groups = job.groups.map((g, i): HybridPlanGroup => {
    const group = model.cluster.groups[i];
    const count = group?.count ?? 0;
    flops += g.step.modelFlops;
    peak += count * peakFlopsFor(g.gpu, model.workload);
    const makespan = g.step.timeline.makespanS;
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
      stages: g.step.stages.map((s, d) => ({
        stage: s.stage,
        layers: s.layers,
        computeS: s.forwardS + s.backwardS - s.commS,
        commS: s.commS,
        bubbleS: makespan - (g.step.timeline.deviceBusyS[d] ?? 0),
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
      })),
    };
  });
  let slowest = job.groups[0] ?? null;
  for (const g of job.groups) if (slowest === null || g.step.seconds > slowest.step.seconds) slowest = g;
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
      waterfall: slowest?.step.waterfall ?? zero,
      fits: job.groups.every((g) => g.step.fits),
    },
    groups,
  };
}
