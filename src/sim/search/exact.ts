import type { ClusterSpec } from '../../cluster/types.js';
import type { GpuSpec } from '../../hardware/types.js';
import { peakFlopsFor } from '../../model/compute-curve.js';
import { virtualStages } from '../../model/layout.js';
import type { ClassCost, ClusterModel } from '../../model/types.js';
import { getPolicy, type PolicyName, startPartition, stepSync } from '../../policy/index.js';
import { causalModelFlopsPerSequence } from '../../workload/gemms.js';
import type { WorkloadSpec } from '../../workload/types.js';
import { composeStep, modelStep } from '../compose.js';
import { buildHybridJob } from '../hybrid-model.js';
import type { FastClass } from './fast-class.js';
import { type Combo, microBatchesFor } from './pair.js';

/** One generation's part of a plan. */
export interface PlanLayout {
  readonly gpu: string;
  readonly tp: number;
  readonly pp: number;
  readonly cp: number;
  readonly microBatch: number;
  readonly replicas: number;
  /** Micro-batches the class's slowest replica runs per step. */
  readonly microBatchesPerReplica: number;
  /** Sequences the class's replicas run per step in all. */
  readonly sequences: number;
  readonly interleave: number;
  readonly zero: number;
  readonly recompute: string;
  readonly sequenceParallel: boolean;
  readonly unusedGpus: number;
}

export interface SearchPlan {
  readonly policy: PolicyName;
  readonly layouts: readonly PlanLayout[];
  readonly step: { readonly seconds: number; readonly mfu: number; readonly tflopsPerGpu: number };
  readonly speedupOverLockstep: number;
  readonly fits: boolean;
}

/**
 * A combination's plan under one policy, through the same path as `plan --layout` and
 * `simulate`: buildHybridJob builds the replica classes, the policy partitions them (its caps
 * lowered to what fits in memory), and the one composer gives the step. Null when the policy
 * cannot place the batch. Figures: model FLOPs with causal attention at half (hybrid-plan.ts's
 * FLOP convention), over every GPU.
 */
export function exactPlan(
  cluster: ClusterSpec,
  workload: WorkloadSpec,
  gpus: readonly GpuSpec[] | undefined,
  globalBatch: number,
  combo: Combo,
  policyName: PolicyName,
  fasts: readonly FastClass[],
  maxShareFactor: number,
): Omit<SearchPlan, 'speedupOverLockstep'> | null {
  const job = buildHybridJob(
    cluster,
    workload,
    combo.choice.map((c) => c.layout),
    { ...(gpus === undefined ? {} : { gpus }), globalBatch, maxShareFactor },
  );
  const model = cappedByMemory(job.model, combo);
  const policy = getPolicy(policyName);
  let allocation: readonly number[];
  try {
    allocation = startPartition(policy, { model, seed: 0 }).allocation;
  } catch {
    return null;
  }
  const step = composeStep(model, stepSync(policy, model), modelStep(model, allocation));
  const seconds = step.stepS;
  let peak = 0;
  const layouts = combo.choice.map((c, i): PlanLayout => {
    const group = cluster.groups[i];
    const gpu = job.groups[i]?.gpu as GpuSpec;
    peak += (group?.count ?? 0) * peakFlopsFor(gpu, workload);
    const s = allocation[i] ?? 0;
    return {
      gpu: gpu.id,
      tp: c.layout.tp,
      pp: c.layout.pp,
      cp: c.layout.cp,
      microBatch: c.layout.microBatch,
      replicas: c.replicas,
      microBatchesPerReplica: microBatchesFor(c, Math.ceil(s / c.replicas)),
      sequences: s,
      interleave: virtualStages(c.layout.schedule),
      zero: c.layout.zero,
      recompute: c.layout.recompute,
      sequenceParallel: c.layout.sequenceParallel,
      unusedGpus: c.unusedGpus,
    };
  });
  const fits = combo.choice.every((c, i) => {
    const q = layouts[i]?.microBatchesPerReplica ?? 0;
    return q === 0 || (fasts[c.group] as FastClass).fits(c.layout, c.replicas, q);
  });
  const flops = causalModelFlopsPerSequence(workload) * globalBatch;
  return {
    policy: policyName,
    layouts,
    step: {
      seconds,
      mfu: seconds > 0 && peak > 0 ? flops / seconds / peak : 0,
      tflopsPerGpu: seconds > 0 ? flops / seconds / model.gpus / 1e12 : 0,
    },
    fits,
  };
}

/** The job's classes with each memory cap lowered to the micro-batches that fit (buildHybridJob caps by share only). */
function cappedByMemory(model: ClusterModel, combo: Combo): ClusterModel {
  const classes = model.classes.map((c, i): ClassCost => {
    const choice = combo.choice[i];
    const cap = choice
      ? Math.min(c.memoryCapSequences, choice.maxMicroBatches * choice.layout.microBatch)
      : c.memoryCapSequences;
    // Keep the fit's getters lazy: spreading would compute them.
    return Object.create(c, { memoryCapSequences: { value: cap, enumerable: true } }) as ClassCost;
  });
  return { ...model, classes };
}
