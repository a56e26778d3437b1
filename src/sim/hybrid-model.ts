import type { ClusterSpec } from '../cluster/types.js';
import { SpecError } from '../errors.js';
import { findGpu } from '../hardware/catalog.js';
import type { GpuSpec } from '../hardware/types.js';
import { affineFit, peakFlopsFor } from '../model/compute-curve.js';
import { type LayoutSpec, type ResolvedLayout, replicasOf, resolveLayout, virtualStages } from '../model/layout.js';
import type { ClassCost, ClusterModel } from '../model/types.js';
import { flopsPerSequence } from '../workload/gemms.js';
import type { WorkloadSpec } from '../workload/types.js';
import { type HybridStep, hybridGroupStep } from './hybrid-step.js';

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
  /** Each group's layout at the lockstep share, and its step. */
  readonly groups: readonly {
    readonly layout: ResolvedLayout;
    readonly step: HybridStep;
    readonly gpu: GpuSpec;
    /** Sequences the group's replicas run per step in all (lockstep: an equal share, the remainder one each). */
    readonly sequences: number;
  }[];
  /** The job's lockstep step: every replica the same share, T = the slowest group's step. */
  readonly lockstepStepS: number;
}

export interface HybridOptions {
  readonly gpus?: readonly GpuSpec[];
  readonly globalBatch?: number;
  /** Micro-batches one replica may run per step at most, in multiples of its lockstep count (default 4). */
  readonly maxShareFactor?: number;
  /** Overrides COMPUTE_OVERHEAD, for fitting it (test/validation.test.ts). */
  readonly computeScale?: number;
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
  const replicas = groups.map((g, i) => replicasOf(layoutOf(i), g, workload, fieldOf(i)));
  const totalReplicas = replicas.reduce((a, b) => a + b, 0);
  const globalBatch =
    options.globalBatch ??
    ('sequences' in workload.globalBatch
      ? workload.globalBatch.sequences
      : workload.globalBatch.sequencesPerGpu * groups.reduce((n, g) => n + g.count, 0));
  if (!Number.isSafeInteger(globalBatch) || globalBatch < totalReplicas) {
    throw new SpecError(
      options.globalBatch === undefined ? '$.globalBatch' : 'globalBatch',
      globalBatch,
      `must give every one of the job's ${totalReplicas} data-parallel replicas at least one sequence (at least ${totalReplicas}); ` +
        'or make fewer, larger replicas (a higher tp, pp or cp).',
    );
  }
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
  const resolved = groups.map((g, i) => resolveLayout(layoutOf(i), g, workload, perReplica, fieldOf(i)));
  const steps = groups.map((g, i) =>
    hybridGroupStep({
      group: g,
      gpu: specs[i] as GpuSpec,
      workload,
      layout: resolved[i] as ResolvedLayout,
      dpRingMembers: totalReplicas,
      sequences: groupSequences[i] ?? 0,
      ...(options.computeScale === undefined ? {} : { computeScale: options.computeScale }),
    }),
  );
  const factor = options.maxShareFactor ?? 4;
  const classes = groups.map((g, index): ClassCost => {
    const layout = resolved[index] as ResolvedLayout;
    const gpu = specs[index] as GpuSpec;
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
          group: g,
          gpu,
          workload,
          layout: { ...layout, microBatches: q },
          dpRingMembers: totalReplicas,
          ...(options.computeScale === undefined ? {} : { computeScale: options.computeScale }),
        });
        t = step.seconds - step.waterfall.dpExposedS;
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
      peakFlops: gpusPerWorker * peakFlopsFor(gpu, workload),
      gpusPerWorker,
      unusedGpus: layout.unusedGpus,
    };
  });
  const dpExposed = Math.max(...steps.map((s) => s.waterfall.dpExposedS));
  // Islands: each group syncs over its own replicas only.
  const islandAllReduceS = groups.map(
    (g, i) =>
      hybridGroupStep({
        group: g,
        gpu: specs[i] as GpuSpec,
        workload,
        layout: resolved[i] as ResolvedLayout,
        ...(options.computeScale === undefined ? {} : { computeScale: options.computeScale }),
      }).waterfall.dpExposedS,
  );
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
  return {
    model,
    groups: resolved.map((layout, i) => ({
      layout,
      step: steps[i] as HybridStep,
      gpu: specs[i] as GpuSpec,
      sequences: groupSequences[i] ?? 0,
    })),
    lockstepStepS: Math.max(...steps.map((s) => s.seconds)),
  };
}
