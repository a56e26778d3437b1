import type { ClusterGroup, ClusterSpec } from '../cluster/types.js';
import { SpecError } from '../errors.js';
import { findGpu } from '../hardware/catalog.js';
import type { GpuSpec } from '../hardware/types.js';
import { affineFit, peakFlopsFor } from '../model/compute-curve.js';
import { type LayoutSpec, type ResolvedLayout, replicasOf, resolveLayout, virtualStages } from '../model/layout.js';
import type { MixedLayoutSpec } from '../model/mixed-stages.js';
import type { ClassCost, ClusterModel } from '../model/types.js';
import { flopsPerSequence } from '../workload/gemms.js';
import type { WorkloadSpec } from '../workload/types.js';
import { beforeSyncS, type HybridGroupInput, type HybridStep, hybridGroupStep } from './hybrid-step.js';
import { type MixedClass, planMixed, resolveMixed } from './mixed-class.js';

/**
 * A hybrid-parallel job as the policies, the simulator and the measured runner see every job:
 * a ClusterModel, whose classes are now replica classes. A class is one group's replicas (each a
 * tp x pp x cp group of GPUs holding one copy of the model); a policy's allocation gives each
 * class sequences, a replica's share is ceil(s / replicas), and the class's time for b
 * sequences per replica is its pipeline schedule's makespan (ceil(b / microBatch)
 * micro-batches, sim/pipeline.ts) plus its optimizer. The DP synchronisation across replicas
 * is the model's exposed all-reduce. The DP-only model is the special case tp = pp = cp = 1.
 */
export interface HybridJob {
  readonly model: ClusterModel;
  /**
   * Each group's layout at the lockstep share, and its step: the homogeneous replica classes,
   * model.classes[0 .. groups.length - 1]. Without mixed pipelines, one per cluster group in order.
   */
  readonly groups: readonly {
    readonly layout: ResolvedLayout;
    readonly step: HybridStep;
    readonly gpu: GpuSpec;
    /** Sequences the group's replicas run per step in all (lockstep: an equal share, the remainder one each). */
    readonly sequences: number;
    /** Index in ClusterSpec.groups. */
    readonly groupIndex: number;
    /** GPUs of the group this layout lays out (the group's count less what mixed pipelines took). */
    readonly gpuCount: number;
  }[];
  /** The mixed-generation pipeline classes, model.classes[groups.length ..] (sim/mixed-class.ts). */
  readonly mixed: readonly MixedClass[];
  /** GPUs no replica uses, per cluster group. */
  readonly unusedGpus: readonly number[];
  /** Each cluster group's GPU. */
  readonly groupGpus: readonly GpuSpec[];
  /** The job's lockstep step: every replica the same share, T = the slowest group's step. */
  readonly lockstepStepS: number;
  /** Data-parallel replicas the global batch leaves without a sequence (batch < replicas), of `totalReplicas`. */
  readonly idleReplicas: number;
  readonly totalReplicas: number;
  /**
   * Replica class k's step (model.classes order) when each replica runs b sequences: the
   * schedule ClassCost.timeS(b) times, with its parts (sim/decompose-hybrid.ts reads them).
   */
  readonly replicaStep: (classIndex: number, sequencesPerReplica: number) => HybridStep;
}

export interface HybridOptions {
  readonly gpus?: readonly GpuSpec[];
  readonly globalBatch?: number;
  /** Micro-batches one replica may run per step at most, in multiples of its lockstep count (default 4). */
  readonly maxShareFactor?: number;
  /** Overrides COMPUTE_OVERHEAD, for fitting it (test/validation.test.ts). */
  readonly computeScale?: number;
  /**
   * Mixed-generation pipelines (model/mixed-stages.ts), built first from the groups' GPUs;
   * `layouts` then lay out what they leave (none: the rest is unused). Absent: none.
   */
  readonly mixed?: readonly MixedLayoutSpec[];
  /** Names the input of mixed layout i's field in errors (default `mixed[i].name`). */
  readonly mixedField?: (layout: number, name: string) => string;
}

/**
 * @param layouts one per cluster group (or one for all); `field(i, name)` names the input of
 *   group i's layout parameter in errors (a flag or a JSON path).
 */
export function buildHybridJob(
  cluster: ClusterSpec,
  workload: WorkloadSpec,
  layouts: readonly LayoutSpec[],
  options: HybridOptions = {},
  field: (group: number, name: keyof LayoutSpec) => string = (g, name) => `layouts[${g}].${name}`,
): HybridJob {
  const groups = cluster.groups;
  if (groups.length === 0) throw new SpecError('$.groups', 0, 'must hold at least one GPU group.');
  const mixedSpecs = options.mixed ?? [];
  const layoutOf = (i: number): LayoutSpec => {
    const l = layouts.length === 1 ? layouts[0] : layouts[i];
    if (!l)
      throw new SpecError(
        'layouts',
        layouts.length,
        `must give one layout for all groups or one per group (${groups.length}).`,
      );
    return l;
  };
  const specs = groups.map((g, i) => {
    try {
      return findGpu(g.gpu, options.gpus);
    } catch (err) {
      if (err instanceof SpecError) throw new SpecError(`$.groups[${i}].gpu`, g.gpu, err.fix);
      throw err;
    }
  });
  // One layout for every group is layouts[0] in every group's errors: there is no layouts[1].
  const fieldOf =
    (i: number) =>
    (name: keyof LayoutSpec): string =>
      field(layouts.length === 1 ? 0 : i, name);
  // Mixed pipelines take their GPUs first; each group's layout lays out what is left.
  const available = groups.map((g) => g.count);
  const mixedField = options.mixedField ?? ((j: number, name: string) => `mixed[${j}].${name}`);
  const mixedPlans = planMixed(cluster, specs, workload, mixedSpecs, available, mixedField);
  const touched = new Set(mixedPlans.flatMap((m) => m.groupIndices));
  // A group the mixed pipelines took from keeps no class when too little is left for one replica.
  const homogeneous = groups.flatMap((g, i) => {
    if (layouts.length === 0) return [];
    const left = available[i] ?? 0;
    const l = layoutOf(i);
    if (touched.has(i) && left < l.tp * l.pp * l.cp) return [];
    return [{ index: i, group: left === g.count ? g : { ...g, count: left } }];
  });
  if (homogeneous.length === 0 && mixedPlans.length === 0)
    throw new SpecError('layouts', layouts.length, 'must lay out at least one replica: give a layout.');
  const replicas = [
    ...homogeneous.map((h) => replicasOf(layoutOf(h.index), h.group, workload, fieldOf(h.index))),
    ...mixedPlans.map((m) => m.replicas),
  ];
  const totalReplicas = replicas.reduce((a, b) => a + b, 0);
  const globalBatch =
    options.globalBatch ??
    ('sequences' in workload.globalBatch
      ? workload.globalBatch.sequences
      : workload.globalBatch.sequencesPerGpu * groups.reduce((n, g) => n + g.count, 0));
  const gpuSpecOf = (index: number): GpuSpec => specs[index] as GpuSpec;
  if (!Number.isSafeInteger(globalBatch) || globalBatch < 1) {
    throw new SpecError(
      options.globalBatch === undefined ? '$.globalBatch' : 'globalBatch',
      globalBatch,
      'must be a whole number of sequences, at least 1.',
    );
  }
  // A batch smaller than the replica count cannot give every replica a sequence (one sequence is
  // not split across replicas): the first B replicas run one each and the rest idle every step.
  // The job is still the one asked for, so it is modelled as such and said (idleReplicas), not
  // refused: its MFU and loss show what those idle GPUs cost.
  const idleReplicas = Math.max(0, totalReplicas - globalBatch);
  // Lockstep over replicas: every replica floor(B / N) sequences and the first B mod N one more
  // (rank order, as lockstepAllocation splits workers), so the layout is resolved at the larger
  // share, what the slowest replicas run.
  const perReplica = Math.ceil(globalBatch / totalReplicas);
  const base = Math.floor(globalBatch / totalReplicas);
  let extra = globalBatch - base * totalReplicas;
  const groupSequences = replicas.map((r) => {
    const add = Math.min(extra, r);
    extra -= add;
    return r * base + add;
  });
  const scale = options.computeScale === undefined ? {} : { computeScale: options.computeScale };
  const resolvedH = homogeneous.map((h) =>
    resolveLayout(layoutOf(h.index), h.group, workload, perReplica, fieldOf(h.index)),
  );
  const mixedClasses = mixedPlans.map((m) => resolveMixed(m, workload, perReplica, mixedField, scale));
  // Every replica class as one step input: a group's layout, or a mixed pipeline's devices.
  const inputs: HybridGroupInput[] = [
    ...homogeneous.map(
      (h, k): HybridGroupInput => ({
        group: cluster.groups[h.index] as ClusterGroup,
        gpu: gpuSpecOf(h.index),
        workload,
        layout: resolvedH[k] as ResolvedLayout,
        ...(h.group.count === cluster.groups[h.index]?.count ? {} : { gpuCount: h.group.count }),
      }),
    ),
    ...mixedClasses.map((c) => c.input),
  ];
  const steps = inputs.map((input, i) =>
    hybridGroupStep({ ...input, dpRingMembers: totalReplicas, sequences: groupSequences[i] ?? 0, ...scale }),
  );
  const factor = options.maxShareFactor ?? 4;
  // GPUs left in groups that no homogeneous class lays out: the first mixed class drawing on
  // the group holds them as its unused GPUs (idle; MFU's peak and the loss count them); a group
  // no class draws on goes to the first mixed class.
  const orphanOf = inputs.map(() => 0);
  groups.forEach((_, g) => {
    if (homogeneous.some((h) => h.index === g)) return;
    const j = Math.max(
      0,
      mixedPlans.findIndex((m) => m.groupIndices.includes(g)),
    );
    const k = homogeneous.length + j;
    if (k < inputs.length) orphanOf[k] = (orphanOf[k] ?? 0) + (available[g] ?? 0);
  });
  const microBatchesFor = (layout: ResolvedLayout, b: number): number => {
    const q = Math.ceil(b / layout.microBatch);
    return virtualStages(layout.schedule) > 1 ? Math.ceil(q / layout.pp) * layout.pp : q;
  };
  const replicaStep = (k: number, b: number): HybridStep => {
    const input = inputs[k];
    if (!input) throw new RangeError(`no replica class ${k}`);
    const layout = { ...input.layout, microBatches: microBatchesFor(input.layout, b) };
    return hybridGroupStep({ ...input, layout, dpRingMembers: totalReplicas, ...scale });
  };
  const classes = inputs.map((input, k): ClassCost => {
    const layout = input.layout;
    const gpu = mixedClasses[k - homogeneous.length]?.classGpu ?? input.gpu;
    const index = homogeneous[k]?.index ?? mixedPlans[k - homogeneous.length]?.groupIndices[0] ?? 0;
    const p = layout.pp;
    const interleaved = virtualStages(layout.schedule) > 1;
    const memo = new Map<number, number>();
    // A replica's compute for b sequences: its schedule with ceil(b / microBatch) micro-batches
    // (a multiple of pp when interleaved, as Megatron-LM requires), its DP sync left to the
    // composer. Memoised: the policies' searches ask for the same b many times.
    const timeS = (b: number): number => {
      if (b <= 0) return 0;
      let q = Math.ceil(b / layout.microBatch);
      if (interleaved) q = Math.ceil(q / p) * p;
      let t = memo.get(q);
      if (t === undefined) {
        const step = hybridGroupStep({
          ...input,
          layout: { ...layout, microBatches: q },
          dpRingMembers: totalReplicas,
          ...scale,
        });
        t = beforeSyncS(step);
        memo.set(q, t);
      }
      return t;
    };
    // Memory depends on the micro-batch and the schedule's in-flight count, which saturates at
    // pp, not on how many micro-batches a replica runs: a layout that fits at its lockstep share
    // fits at any share. One that does not fit is reported by the plan (HybridStep.fits), not
    // refused here, so its step can still be studied.
    const memoryCapSequences = layout.sequencesPerReplica * factor;
    const gpusPerWorker = layout.tp * layout.pp * layout.cp;
    // The affine fit asks for many schedules; only the closed-form policies read it, so it is
    // taken on first use (a plan of one layout never pays for it).
    let fit: { fixedS: number; perSequenceS: number } | null = null;
    const fitted = (): { fixedS: number; perSequenceS: number } => {
      fit ??= affineFit(timeS, Math.max(2, memoryCapSequences));
      return fit;
    };
    return {
      index,
      gpu,
      count: layout.dp,
      timeS,
      get fixedS() {
        return fitted().fixedS;
      },
      get perSequenceS() {
        return fitted().perSequenceS;
      },
      microBatchCap: layout.microBatch,
      memoryCapSequences,
      peakFlops:
        input.stageDevices === undefined
          ? gpusPerWorker * peakFlopsFor(gpu, workload)
          : layout.tp * layout.cp * input.stageDevices.reduce((a, d) => a + peakFlopsFor(d.gpu, workload), 0),
      gpusPerWorker,
      unusedGpus: layout.unusedGpus + (orphanOf[k] ?? 0),
    };
  });
  const dpExposed = Math.max(...steps.map((s) => s.waterfall.dpExposedS));
  // Islands: each group syncs over its own replicas only.
  const islandAllReduceS = inputs.map((input) => hybridGroupStep({ ...input, ...scale }).waterfall.dpExposedS);
  const model: ClusterModel = {
    cluster,
    workload,
    classes,
    gpus: groups.reduce((n, g) => n + g.count, 0),
    globalBatch,
    tokensPerSequence: workload.seqLen,
    flopsPerSequence: flopsPerSequence(workload),
    // The exposed DP sync, already net of its overlap with the last micro-batches' backward.
    allReduceS: dpExposed,
    overlap: 0,
    islandAllReduceS,
  };
  const unusedGpus = available.map((left, i) => {
    const k = homogeneous.findIndex((h) => h.index === i);
    return k < 0 ? left : (resolvedH[k]?.unusedGpus ?? 0);
  });
  return {
    model,
    groups: homogeneous.map((h, k) => ({
      layout: resolvedH[k] as ResolvedLayout,
      step: steps[k] as HybridStep,
      gpu: gpuSpecOf(h.index),
      sequences: groupSequences[k] ?? 0,
      groupIndex: h.index,
      gpuCount: h.group.count,
    })),
    mixed: mixedClasses.map((c, j) => ({
      ...c.info,
      step: steps[homogeneous.length + j] as HybridStep,
      sequences: groupSequences[homogeneous.length + j] ?? 0,
    })),
    unusedGpus,
    groupGpus: specs,
    // As the step composer has it (sim/compose.ts): the slowest class's compute, then the one DP
    // sync every replica of every generation joins (the largest exposed sync), not each group's
    // own step with its own sync.
    lockstepStepS: Math.max(...steps.map(beforeSyncS)) + dpExposed,
    idleReplicas,
    totalReplicas,
    replicaStep,
  };
}
