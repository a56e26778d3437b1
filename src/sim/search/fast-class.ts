import type { ClusterGroup } from '../../cluster/types.js';
import type { GpuSpec } from '../../hardware/types.js';
import { RING_LATENCY } from '../../model/allreduce.js';
import { NON_GEMM } from '../../model/compute-curve.js';
import { dpSync } from '../../model/dp-sync.js';
import { type LayoutSpec, type ResolvedLayout, spreadLayers, virtualStages } from '../../model/layout.js';
import { MODEL_STATE_BYTES_PER_PARAM } from '../../model/memory-cap.js';
import { layerCosts, stageParamsPerGpu } from '../../model/stage-cost.js';
import { stageMemory } from '../../model/stage-memory.js';
import type { WorkloadSpec } from '../../workload/types.js';
import { peakLayersInFlight, pipelineFinish } from './fast-pipeline.js';

/**
 * The search's fast path for one replica class: the same step as sim/hybrid-step.ts
 * (hybridGroupStep), with what a search asks for again and again shared across candidates:
 * the layer costs per (tp, cp, micro-batch, recompute, sequence parallel), the pipeline
 * timeline per (stage times, micro-batches), and memory from the schedule's in-flight
 * micro-batches without a timeline. ZeRO stages share one timeline (ZeRO changes only the tail
 * and memory). The search ranks with it and reports every plan it prints through
 * buildHybridJob (test/plan-search.test.ts checks the two agree).
 */
export interface GenerationContext {
  readonly group: ClusterGroup;
  readonly gpu: GpuSpec;
  readonly workload: WorkloadSpec;
  /** Replicas the DP ring is assumed to span while ranking (the exact pass uses the job's). */
  readonly ringMembers: (replicas: number) => number;
}

/** Per micro-batch, per virtual stage: compute + exposed TP/CP comm, forward and backward; p2p per hop. */
interface StageTimes {
  readonly forwardS: readonly number[];
  readonly backwardS: readonly number[];
  readonly p2pS: readonly number[];
  readonly stageLayers: readonly number[];
}

export interface ClassEval {
  /** Compute of one replica for q micro-batches: the step less its exposed DP sync (what ClassCost.timeS gives). */
  readonly computeS: number;
  /** The exposed DP sync of the class's step (the composer's all-reduce term). */
  readonly dpExposedS: number;
}

export class FastClass {
  private readonly costMemo = new Map<string, ReturnType<typeof layerCosts>>();
  private readonly timesMemo = new Map<string, StageTimes>();
  private readonly timelineMemo = new Map<string, ReturnType<typeof pipelineFinish>>();
  private readonly resolvedMemo = new WeakMap<LayoutSpec, Map<number, ResolvedLayout>>();
  /** Pipeline simulations run (for the search's figures). */
  simulations = 0;

  constructor(readonly ctx: GenerationContext) {}

  private costs(layout: LayoutSpec): ReturnType<typeof layerCosts> {
    const key = `${layout.tp}|${layout.cp}|${layout.microBatch}|${layout.recompute}|${layout.sequenceParallel}|${layout.attention ?? 'flash'}`;
    let c = this.costMemo.get(key);
    if (!c) {
      const { group, gpu, workload } = this.ctx;
      c = layerCosts({
        gpu,
        workload,
        layout: resolvedAt(layout, 1, workload, 1, 0),
        scaleUpGBs: gpu.scaleUpGBs ?? group.scaleOutGBs,
        scaleOutGBs: group.scaleOutGBs,
        scaleUpDomain: group.scaleUpDomain,
      });
      this.costMemo.set(key, c);
    }
    return c;
  }

  private stageTimes(layout: LayoutSpec): StageTimes {
    const v = virtualStages(layout.schedule);
    const key = `${layout.tp}|${layout.cp}|${layout.microBatch}|${layout.recompute}|${layout.sequenceParallel}|${layout.attention ?? 'flash'}|${layout.pp}|${v}`;
    let t = this.timesMemo.get(key);
    if (t) return t;
    const { group, gpu, workload: w } = this.ctx;
    const costs = this.costs(layout);
    const p = layout.pp;
    const vs = p * v;
    const stageLayers = spreadLayers(w.layers, vs);
    const forwardS: number[] = [];
    const backwardS: number[] = [];
    for (let s = 0; s < vs; s++) {
      const L = stageLayers[s] ?? 0;
      const last = s === vs - 1;
      forwardS.push(
        L * (costs.layer.forward.computeS + costs.layer.forward.commS) + (last ? costs.head.forward.computeS : 0),
      );
      backwardS.push(
        L * (costs.layer.backward.computeS + costs.layer.backward.commS) + (last ? costs.head.backward.computeS : 0),
      );
    }
    // As hybridGroupStep places the hops: inside a scale-up domain on its links, across on scale-out.
    const scaleUpGBs = gpu.scaleUpGBs ?? group.scaleOutGBs;
    const stagesPerDomain = Math.max(1, Math.floor(group.scaleUpDomain / (layout.tp * layout.cp)));
    const p2pS = Array.from({ length: vs - 1 }, (_, s) => {
      const device = s % p;
      const inside = p > 1 && (p <= stagesPerDomain || ((device + 1) % stagesPerDomain !== 0 && device + 1 < p));
      const gbs = inside ? scaleUpGBs : group.scaleOutGBs;
      const latency = inside ? RING_LATENCY.scaleUpS : RING_LATENCY.scaleOutS;
      return costs.p2pBytes / (gbs * 1e9) + latency;
    });
    t = { forwardS, backwardS, p2pS, stageLayers };
    this.timesMemo.set(key, t);
    return t;
  }

  private timeline(layout: LayoutSpec, q: number): ReturnType<typeof pipelineFinish> {
    const v = virtualStages(layout.schedule);
    const key = `${layout.tp}|${layout.cp}|${layout.microBatch}|${layout.recompute}|${layout.sequenceParallel}|${layout.attention ?? 'flash'}|${layout.pp}|${v}|${q}`;
    let tl = this.timelineMemo.get(key);
    if (!tl) {
      const t = this.stageTimes(layout);
      tl = pipelineFinish(layout.pp, v, q, t.forwardS, t.backwardS, t.p2pS);
      this.simulations++;
      this.timelineMemo.set(key, tl);
    }
    return tl;
  }

  /** The layout resolved for `replicas` (memory and parameters do not depend on the micro-batch count). */
  private resolved(layout: LayoutSpec, replicas: number, stageLayers: readonly number[]): ResolvedLayout {
    let byReplicas = this.resolvedMemo.get(layout);
    if (!byReplicas) {
      byReplicas = new Map();
      this.resolvedMemo.set(layout, byReplicas);
    }
    let r = byReplicas.get(replicas);
    if (!r) {
      r = resolvedAt(layout, replicas, this.ctx.workload, 1, 0, stageLayers);
      byReplicas.set(replicas, r);
    }
    return r;
  }

  /**
   * Whether every stage of the layout fits in memory with q micro-batches per step, from the
   * schedule's order alone (no timeline): the layers a device holds at its peak.
   */
  fits(layout: LayoutSpec, replicas: number, q: number): boolean {
    const { gpu, workload: w } = this.ctx;
    const t = this.stageTimes(layout);
    const p = layout.pp;
    const v = virtualStages(layout.schedule);
    const resolved = this.resolved(layout, replicas, t.stageLayers);
    // 1F1B: device i holds min(q, p - i) micro-batches and the middle devices' layers do not
    // grow with i (spreadLayers gives the extras to the lowest middle ones first), so device 1
    // bounds every middle device and devices 0, 1 and p - 1 decide. Interleaved: every device.
    const devices = v === 1 ? [...new Set([0, Math.min(1, p - 1), p - 1])] : Array.from({ length: p }, (_, i) => i);
    const inFlight = peakLayersInFlight(p, v, q, t.stageLayers);
    for (const i of devices) {
      const peak = inFlight[i] ?? 0;
      let layers = 0;
      for (let c = 0; c < v; c++) layers += t.stageLayers[c * p + i] ?? 0;
      const memory = stageMemory({
        gpu,
        workload: w,
        layout: resolved,
        paramsPerGpu: stageParamsPerGpu(w, resolved, layers, i === 0, i === p - 1),
        layersInFlight: peak,
        last: i === p - 1,
      });
      if (memory.headroomBytes < 0) return false;
    }
    return true;
  }

  /** One replica's step for q micro-batches, split as buildHybridJob splits it. */
  evaluate(layout: LayoutSpec, replicas: number, q: number): ClassEval {
    const { group, gpu, workload: w } = this.ctx;
    const t = this.stageTimes(layout);
    const tl = this.timeline(layout, q);
    const p = layout.pp;
    const v = virtualStages(layout.schedule);
    const resolved = this.resolved(layout, replicas, t.stageLayers);
    // The DP ring spans the job's replicas; ZeRO 3's gathers repeat per micro-batch.
    const ring = { ...resolved, dp: this.ctx.ringMembers(replicas), microBatches: q };
    const scaleUpGBs = gpu.scaleUpGBs ?? group.scaleOutGBs;
    const bandwidth = gpu.memoryBandwidthTBs * 1e12;
    let seconds = 0;
    let critDp = 0;
    let critOpt = 0;
    for (let i = 0; i < p; i++) {
      let layers = 0;
      for (let c = 0; c < v; c++) layers += t.stageLayers[c * p + i] ?? 0;
      const paramsPerGpu = stageParamsPerGpu(w, resolved, layers, i === 0, i === p - 1);
      const dp = dpSync({
        workload: w,
        layout: ring,
        paramsPerGpu,
        scaleUpDomain: group.scaleUpDomain,
        scaleUpGBs,
        scaleOutGBs: group.scaleOutGBs,
        lastBackwardS: t.backwardS[i] ?? 0,
        firstForwardS: t.forwardS[i] ?? 0,
      });
      const shard = layout.zero >= 1 ? paramsPerGpu / replicas : paramsPerGpu;
      const optimizerS = (NON_GEMM.optimizerPasses * MODEL_STATE_BYTES_PER_PARAM * shard) / bandwidth;
      const end = (tl.deviceFinishS[i] ?? 0) + dp.exposedS + optimizerS;
      if (end > seconds) {
        seconds = end;
        critDp = dp.exposedS;
        critOpt = optimizerS;
      }
    }
    const tail = seconds - tl.makespanS;
    const dpExposedS = critDp + critOpt > 0 ? (tail * critDp) / (critDp + critOpt) : 0;
    return { computeS: seconds - dpExposedS, dpExposedS };
  }
}

/** A layout resolved for the fast path: dp replicas, q micro-batches, the layers spread as resolveLayout spreads them. */
export function resolvedAt(
  layout: LayoutSpec,
  replicas: number,
  w: WorkloadSpec,
  q: number,
  unusedGpus: number,
  stageLayers?: readonly number[],
): ResolvedLayout {
  return {
    ...layout,
    dp: replicas,
    unusedGpus,
    sequencesPerReplica: q * layout.microBatch,
    microBatches: q,
    stageLayers: stageLayers ?? spreadLayers(w.layers, layout.pp * virtualStages(layout.schedule)),
  };
}
