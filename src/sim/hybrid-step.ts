import type { ClusterGroup } from '../cluster/types.js';
import type { GpuSpec } from '../hardware/types.js';
import { RING_LATENCY } from '../model/allreduce.js';
import { NON_GEMM, peakFlopsFor } from '../model/compute-curve.js';
import { dpSync } from '../model/dp-sync.js';
import { type ResolvedLayout, virtualStages } from '../model/layout.js';
import { MODEL_STATE_BYTES_PER_PARAM } from '../model/memory-cap.js';
import { layerCosts, stageParamsPerGpu } from '../model/stage-cost.js';
import { type StageMemory, stageMemory } from '../model/stage-memory.js';
import { causalModelFlopsPerSequence } from '../workload/gemms.js';
import type { WorkloadSpec } from '../workload/types.js';
import { type PipelineInput, type PipelineTimeline, simulatePipeline } from './pipeline.js';

/**
 * One replica class's step under a hybrid-parallel layout (TP x PP x CP inside a replica, DP
 * over replicas), composed from the stage costs (model/stage-cost.ts), the pipeline timeline
 * (pipeline.ts), the DP synchronisation per ZeRO stage (model/dp-sync.ts) and the optimizer:
 *
 *   T = max over devices i of (timeline finish_i + exposed DP sync_i + optimizer_i)
 *
 * The waterfall splits T on the critical device: compute, tensor/context-parallel
 * communication, pipeline bubble, pipeline point-to-point, exposed DP sync, optimizer; it adds
 * up to T exactly. Units: seconds, bytes, FLOP.
 */
export interface HybridGroupInput {
  readonly group: ClusterGroup;
  readonly gpu: GpuSpec;
  readonly workload: WorkloadSpec;
  readonly layout: ResolvedLayout;
  /**
   * Replicas the DP ring spans (this group's alone, or every group's in a mixed job); default
   * the layout's dp.
   */
  readonly dpRingMembers?: number;
  /** Sequences the group's replicas run per step in all (default sequencesPerReplica x dp). */
  readonly sequences?: number;
  /** Overrides COMPUTE_OVERHEAD (model/stage-cost.ts), for fitting it. */
  readonly computeScale?: number;
}

export interface StagePlan {
  /** Device (pipeline rank). */
  readonly stage: number;
  /** Layers on this device (over its virtual stages). */
  readonly layers: number;
  /** Per micro-batch, summed over the device's chunks: compute and exposed TP/CP communication. */
  readonly forwardS: number;
  readonly backwardS: number;
  readonly commS: number;
  readonly dpExposedS: number;
  readonly optimizerS: number;
  /** Peak micro-batch chunks whose activations the device holds. */
  readonly inFlight: number;
  readonly memory: StageMemory;
  readonly fits: boolean;
}

export interface Waterfall {
  readonly computeS: number;
  readonly tpCommS: number;
  readonly bubbleS: number;
  readonly ppCommS: number;
  readonly dpExposedS: number;
  readonly optimizerS: number;
}

export interface HybridStep {
  readonly seconds: number;
  readonly waterfall: Waterfall;
  readonly stages: readonly StagePlan[];
  readonly timeline: PipelineTimeline;
  /** The timeline's input: per virtual stage forward/backward seconds of one micro-batch, and p2p (sim/stage-jitter.ts re-times it). */
  readonly schedule: PipelineInput;
  /** Model FLOPs of the group's share of one step (causal attention counted at half, see docs/model.md). */
  readonly modelFlops: number;
  /** Model FLOP/s per GPU of the group (unused GPUs included) and MFU against the dense peak. */
  readonly tflopsPerGpu: number;
  readonly mfu: number;
  /** Whether every stage fits in memory. */
  readonly fits: boolean;
}

const timelineMemo = new Map<string, { withP2p: PipelineTimeline; withoutP2p: PipelineTimeline }>();

export function hybridGroupStep(input: HybridGroupInput): HybridStep {
  const { group, gpu, workload: w, layout } = input;
  const p = layout.pp;
  const v = virtualStages(layout.schedule);
  const m = layout.microBatches;
  const scaleUpGBs = gpu.scaleUpGBs ?? group.scaleOutGBs;
  const costs = layerCosts({
    gpu,
    workload: w,
    layout,
    scaleUpGBs,
    scaleOutGBs: group.scaleOutGBs,
    scaleUpDomain: group.scaleUpDomain,
    ...(input.computeScale === undefined ? {} : { computeScale: input.computeScale }),
  });
  const vs = p * v;
  const layersOf = (s: number): number => layout.stageLayers[s] ?? 0;
  const forwardS: number[] = [];
  const backwardS: number[] = [];
  const commF: number[] = [];
  const commB: number[] = [];
  for (let s = 0; s < vs; s++) {
    const L = layersOf(s);
    const last = s === vs - 1;
    const headF = last ? costs.head.forward.computeS : 0;
    const headB = last ? costs.head.backward.computeS : 0;
    commF.push(L * costs.layer.forward.commS);
    commB.push(L * costs.layer.backward.commS);
    forwardS.push(L * (costs.layer.forward.computeS + costs.layer.forward.commS) + headF);
    backwardS.push(L * (costs.layer.backward.computeS + costs.layer.backward.commS) + headB);
  }
  // Stage boundaries inside a scale-up domain use its links; across domains the scale-out link.
  // A pipeline that fits in one domain keeps every hop there, the interleaved schedule's
  // wrap-around from the last device to the first included.
  const stagesPerDomain = Math.max(1, Math.floor(group.scaleUpDomain / (layout.tp * layout.cp)));
  const p2pS = Array.from({ length: vs - 1 }, (_, s) => {
    const device = s % p;
    const inside = p > 1 && (p <= stagesPerDomain || ((device + 1) % stagesPerDomain !== 0 && device + 1 < p));
    const gbs = inside ? scaleUpGBs : group.scaleOutGBs;
    const latency = inside ? RING_LATENCY.scaleUpS : RING_LATENCY.scaleOutS;
    return costs.p2pBytes / (gbs * 1e9) + latency;
  });
  const key = [p, v, m, forwardS.join(','), backwardS.join(','), p2pS.join(',')].join('|');
  let memo = timelineMemo.get(key);
  if (!memo) {
    const chunkLayers = (device: number, chunk: number): number => layersOf(chunk * p + device);
    memo = {
      withP2p: simulatePipeline({ p, v, m, forwardS, backwardS, p2pS }, chunkLayers),
      withoutP2p: simulatePipeline({ p, v, m, forwardS, backwardS, p2pS: p2pS.map(() => 0) }, chunkLayers),
    };
    if (timelineMemo.size > 256) timelineMemo.clear();
    timelineMemo.set(key, memo);
  }
  const timeline = memo.withP2p;

  const bandwidth = gpu.memoryBandwidthTBs * 1e12;
  const stages: StagePlan[] = [];
  for (let i = 0; i < p; i++) {
    const chunks = Array.from({ length: v }, (_, c) => c * p + i);
    const layers = chunks.reduce((a, s) => a + layersOf(s), 0);
    const first = i === 0;
    const last = i === p - 1;
    const paramsPerGpu = stageParamsPerGpu(w, layout, layers, first, last);
    const f = chunks.reduce((a, s) => a + (forwardS[s] ?? 0), 0);
    const b = chunks.reduce((a, s) => a + (backwardS[s] ?? 0), 0);
    const comm = chunks.reduce((a, s) => a + (commF[s] ?? 0) + (commB[s] ?? 0), 0);
    const lastChunk = chunks[0] ?? i; // a step's last backward on a device is its first chunk's
    const firstChunk = chunks[0] ?? i;
    const dp = dpSync({
      workload: w,
      layout: input.dpRingMembers === undefined ? layout : { ...layout, dp: input.dpRingMembers },
      paramsPerGpu,
      scaleUpDomain: group.scaleUpDomain,
      scaleUpGBs,
      scaleOutGBs: group.scaleOutGBs,
      lastBackwardS: backwardS[lastChunk] ?? 0,
      firstForwardS: forwardS[firstChunk] ?? 0,
    });
    const shard = layout.zero >= 1 ? paramsPerGpu / layout.dp : paramsPerGpu;
    const optimizerS = (NON_GEMM.optimizerPasses * MODEL_STATE_BYTES_PER_PARAM * shard) / bandwidth;
    const memory = stageMemory({
      gpu,
      workload: w,
      layout,
      paramsPerGpu,
      layersInFlight: timeline.peakInFlightWeight[i] ?? 0,
      last,
    });
    stages.push({
      stage: i,
      layers,
      forwardS: f,
      backwardS: b,
      commS: comm,
      dpExposedS: dp.exposedS,
      optimizerS,
      inFlight: timeline.peakInFlight[i] ?? 0,
      memory,
      fits: memory.headroomBytes >= 0,
    });
  }
  // T: the device that ends last once its DP sync and optimizer are done.
  let critical = 0;
  let seconds = 0;
  stages.forEach((s, i) => {
    const end = (timeline.deviceFinishS[i] ?? 0) + s.dpExposedS + s.optimizerS;
    if (end > seconds) {
      seconds = end;
      critical = i;
    }
  });
  // The waterfall: the busiest device's compute and TP/CP communication, the rest of the
  // pipeline's makespan without p2p as bubble, p2p's addition to the makespan, and the tail
  // after the makespan (the critical device's DP sync and optimizer, in their proportion).
  let busiest = 0;
  memo.withoutP2p.deviceBusyS.forEach((b, i) => {
    if (b > (memo?.withoutP2p.deviceBusyS[busiest] ?? 0)) busiest = i;
  });
  const busy = memo.withoutP2p.deviceBusyS[busiest] ?? 0;
  const tpCommS = (stages[busiest]?.commS ?? 0) * m;
  const makespanNoP2p = memo.withoutP2p.makespanS;
  const crit = stages[critical] as StagePlan;
  const tail = seconds - timeline.makespanS;
  const tailParts = crit.dpExposedS + crit.optimizerS;
  const dpShare = tailParts > 0 ? crit.dpExposedS / tailParts : 0;
  const waterfall: Waterfall = {
    computeS: busy - tpCommS,
    tpCommS,
    bubbleS: makespanNoP2p - busy,
    ppCommS: timeline.makespanS - makespanNoP2p,
    dpExposedS: tail * dpShare,
    optimizerS: tail * (1 - dpShare),
  };
  const sequences = input.sequences ?? layout.sequencesPerReplica * layout.dp;
  const modelFlops = causalModelFlopsPerSequence(w) * sequences;
  const peak = peakFlopsFor(gpu, w);
  const flopsPerGpu = seconds > 0 ? modelFlops / seconds / group.count : 0;
  return {
    seconds,
    waterfall,
    stages,
    timeline,
    schedule: { p, v, m, forwardS, backwardS, p2pS },
    modelFlops,
    tflopsPerGpu: flopsPerGpu / 1e12,
    mfu: flopsPerGpu / peak,
    fits: stages.every((s) => s.fits),
  };
}
