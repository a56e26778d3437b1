import type { ClusterGroup } from '../cluster/types.js';
import type { GpuSpec } from '../hardware/types.js';
import { RING_LATENCY } from '../model/allreduce.js';
import { NON_GEMM, peakFlopsFor } from '../model/compute-curve.js';
import { dpSync } from '../model/dp-sync.js';
import { type ResolvedLayout, virtualStages } from '../model/layout.js';
import { MODEL_STATE_BYTES_PER_PARAM } from '../model/memory-cap.js';
import { crossGenerationLink } from '../model/mixed-stages.js';
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
  /**
   * A mixed-generation pipeline (model/mixed-stages.ts): each device's GPU and group, pp
   * entries, 1F1B only. Absent: every device is `gpu` in `group`.
   */
  readonly stageDevices?: readonly StageDevice[];
  /** GPUs the per-GPU figures divide by (default group.count). */
  readonly gpuCount?: number;
}

export interface StageDevice {
  readonly gpu: GpuSpec;
  readonly group: ClusterGroup;
}

/**
 * What the step is made of per virtual stage, for the loss decomposition's counterfactual
 * timelines (sim/decompose-hybrid.ts): the durations of one micro-batch's events without any
 * communication (recomputation included), the recomputation's share of the backward, and the
 * p2p hops; per device its optimizer. Seconds.
 */
export interface StepParts {
  readonly p: number;
  readonly v: number;
  readonly m: number;
  readonly forwardS: readonly number[];
  readonly backwardS: readonly number[];
  readonly forwardComputeS: readonly number[];
  readonly backwardComputeS: readonly number[];
  readonly backwardRecomputeS: readonly number[];
  readonly p2pS: readonly number[];
  readonly optimizerS: readonly number[];
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
  readonly parts: StepParts;
}

/**
 * A replica class's step before its DP sync: what the composer calls the class's time, to which
 * it adds the one sync every replica of every generation joins (sim/compose.ts).
 */
export function beforeSyncS(step: Pick<HybridStep, 'seconds' | 'waterfall'>): number {
  return step.seconds - step.waterfall.dpExposedS;
}

const timelineMemo = new Map<string, { withP2p: PipelineTimeline; withoutP2p: PipelineTimeline }>();

export function hybridGroupStep(input: HybridGroupInput): HybridStep {
  const { group, gpu, workload: w, layout } = input;
  const p = layout.pp;
  const v = virtualStages(layout.schedule);
  const m = layout.microBatches;
  const scaleUpGBs = gpu.scaleUpGBs ?? group.scaleOutGBs;
  const mixed = input.stageDevices;
  if (mixed !== undefined && (mixed.length !== p || v !== 1))
    throw new RangeError(`a mixed pipeline needs ${p} stage devices and 1f1b, got ${mixed.length} and v ${v}`);
  const deviceOf = (d: number): StageDevice => mixed?.[d] ?? { gpu, group };
  // One cost per generation: a homogeneous pipeline computes it once, as before.
  const costsByGpu = new Map<string, { full: ReturnType<typeof layerCosts>; plain: ReturnType<typeof layerCosts> }>();
  const costsOf = (d: number): { full: ReturnType<typeof layerCosts>; plain: ReturnType<typeof layerCosts> } => {
    const dev = deviceOf(d);
    let c = costsByGpu.get(dev.gpu.id);
    if (!c) {
      const args = {
        gpu: dev.gpu,
        workload: w,
        scaleUpGBs: dev.gpu.scaleUpGBs ?? dev.group.scaleOutGBs,
        scaleOutGBs: dev.group.scaleOutGBs,
        scaleUpDomain: dev.group.scaleUpDomain,
        ...(input.computeScale === undefined ? {} : { computeScale: input.computeScale }),
      };
      const full = layerCosts({ ...args, layout });
      // Without recomputation: what the backward costs when every activation is kept.
      const plain =
        layout.recompute === 'none' ? full : layerCosts({ ...args, layout: { ...layout, recompute: 'none' } });
      c = { full, plain };
      costsByGpu.set(dev.gpu.id, c);
    }
    return c;
  };
  const costs = costsOf(0).full;
  const vs = p * v;
  const layersOf = (s: number): number => layout.stageLayers[s] ?? 0;
  const forwardS: number[] = [];
  const backwardS: number[] = [];
  const commF: number[] = [];
  const commB: number[] = [];
  const forwardComputeS: number[] = [];
  const backwardComputeS: number[] = [];
  const backwardRecomputeS: number[] = [];
  for (let s = 0; s < vs; s++) {
    const { full: c, plain } = costsOf(s % p);
    const L = layersOf(s);
    const last = s === vs - 1;
    const headF = last ? c.head.forward.computeS : 0;
    const headB = last ? c.head.backward.computeS : 0;
    commF.push(L * c.layer.forward.commS);
    commB.push(L * c.layer.backward.commS);
    forwardS.push(L * (c.layer.forward.computeS + c.layer.forward.commS) + headF);
    backwardS.push(L * (c.layer.backward.computeS + c.layer.backward.commS) + headB);
    forwardComputeS.push(L * c.layer.forward.computeS + headF);
    backwardComputeS.push(L * c.layer.backward.computeS + headB);
    backwardRecomputeS.push(L * (c.layer.backward.computeS - plain.layer.backward.computeS));
  }
  const p2pS =
    mixed === undefined
      ? p2pHops(p, v, group, layout, scaleUpGBs, costs.p2pBytes)
      : mixedHops(mixed, layout, costs.p2pBytes);
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

  const stages: StagePlan[] = [];
  for (let i = 0; i < p; i++) {
    const dev = deviceOf(i);
    const bandwidth = dev.gpu.memoryBandwidthTBs * 1e12;
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
      scaleUpDomain: dev.group.scaleUpDomain,
      scaleUpGBs: dev.gpu.scaleUpGBs ?? dev.group.scaleOutGBs,
      scaleOutGBs: dev.group.scaleOutGBs,
      lastBackwardS: backwardS[lastChunk] ?? 0,
      firstForwardS: forwardS[firstChunk] ?? 0,
    });
    const shard = layout.zero >= 1 ? paramsPerGpu / layout.dp : paramsPerGpu;
    const optimizerS = (NON_GEMM.optimizerPasses * MODEL_STATE_BYTES_PER_PARAM * shard) / bandwidth;
    const memory = stageMemory({
      gpu: dev.gpu,
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
  const peak =
    mixed === undefined ? peakFlopsFor(gpu, w) : mixed.reduce((a, d) => a + peakFlopsFor(d.gpu, w), 0) / mixed.length;
  const flopsPerGpu = seconds > 0 ? modelFlops / seconds / (input.gpuCount ?? group.count) : 0;
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
    parts: {
      p,
      v,
      m,
      forwardS,
      backwardS,
      forwardComputeS,
      backwardComputeS,
      backwardRecomputeS,
      p2pS,
      optimizerS: stages.map((s) => s.optimizerS),
    },
  };
}

/**
 * Stage boundaries inside a scale-up domain use its links; across domains the scale-out link.
 * A pipeline that fits in one domain keeps every hop there, the interleaved schedule's
 * wrap-around from the last device to the first included.
 */
function p2pHops(
  p: number,
  v: number,
  group: ClusterGroup,
  layout: ResolvedLayout,
  scaleUpGBs: number,
  bytes: number,
): number[] {
  const stagesPerDomain = Math.max(1, Math.floor(group.scaleUpDomain / (layout.tp * layout.cp)));
  return Array.from({ length: p * v - 1 }, (_, s) => {
    const device = s % p;
    const inside = p > 1 && (p <= stagesPerDomain || ((device + 1) % stagesPerDomain !== 0 && device + 1 < p));
    const gbs = inside ? scaleUpGBs : group.scaleOutGBs;
    const latency = inside ? RING_LATENCY.scaleUpS : RING_LATENCY.scaleOutS;
    return bytes / (gbs * 1e9) + latency;
  });
}

/**
 * A mixed pipeline's hops: inside one generation's run of stages, the rule of p2pHops over that
 * run; between generations, scale-out at the slower end's rate (model/mixed-stages.ts).
 */
function mixedHops(devices: readonly StageDevice[], layout: ResolvedLayout, bytes: number): number[] {
  const hops: number[] = [];
  let start = 0;
  for (let d = 0; d + 1 < devices.length; d++) {
    const a = devices[d] as StageDevice;
    const b = devices[d + 1] as StageDevice;
    if (a.group !== b.group) {
      const link = crossGenerationLink(a.group, b.group);
      hops.push(bytes / (link.gbs * 1e9) + link.latencyS);
      start = d + 1;
      continue;
    }
    let end = d + 1;
    while (end + 1 < devices.length && devices[end + 1]?.group === a.group) end++;
    const run = end - start + 1;
    const k = d - start;
    const spd = Math.max(1, Math.floor(a.group.scaleUpDomain / (layout.tp * layout.cp)));
    const inside = run <= spd || ((k + 1) % spd !== 0 && k + 1 < run);
    const gbs = inside ? (a.gpu.scaleUpGBs ?? a.group.scaleOutGBs) : a.group.scaleOutGBs;
    hops.push(bytes / (gbs * 1e9) + (inside ? RING_LATENCY.scaleUpS : RING_LATENCY.scaleOutS));
  }
  return hops;
}
