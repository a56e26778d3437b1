import { affineFit, peakFlopsFor } from '../../model/compute-curve.js';
import type { ClassCost, ClusterModel } from '../../model/types.js';
import { getPolicy, type PolicyName, startPartition, stepSync } from '../../policy/index.js';
import { composeStep, modelStep } from '../compose.js';
import type { FastClass } from './fast-class.js';
import type { GenerationCandidate } from './space.js';

/** The policies the planner pairs layouts with: the equal split, the datasheet split, the exact min-max split. */
export const SEARCH_POLICIES: readonly PolicyName[] = ['lockstep', 'proportional-spec', 'minmax'];

export type ComboExclusion = 'batch' | 'memory';

/** One choice per generation, with the lockstep share its replicas make. */
export interface Combo {
  readonly choice: readonly GenerationCandidate[];
  readonly replicas: number;
  /** ceil(B / replicas): what the slowest replica runs under lockstep. */
  readonly share: number;
}

/** Micro-batches a replica runs for b sequences (a multiple of pp when interleaved), as buildHybridJob counts them. */
export function microBatchesFor(c: GenerationCandidate, b: number): number {
  if (b <= 0) return 0;
  const q = Math.ceil(b / c.layout.microBatch);
  return c.layout.schedule.kind === 'interleaved' ? Math.ceil(q / c.layout.pp) * c.layout.pp : q;
}

/**
 * Whether a choice per generation makes a job buildHybridJob accepts and that fits: every
 * replica at least one sequence, each micro-batch dividing the lockstep share (and the
 * micro-batches a multiple of pp when interleaved), every stage fitting at that share.
 */
export function checkCombo(choice: readonly GenerationCandidate[], B: number): Combo | ComboExclusion {
  let replicas = 0;
  for (const c of choice) replicas += c.replicas;
  if (replicas > B) return 'batch';
  const share = Math.ceil(B / replicas);
  for (const c of choice) {
    if (share % c.layout.microBatch !== 0) return 'batch';
    const q = share / c.layout.microBatch;
    if (c.layout.schedule.kind === 'interleaved' && q % c.layout.pp !== 0) return 'batch';
    if (q > c.maxMicroBatches) return 'memory';
  }
  return { choice, replicas, share };
}

export interface FastPlan {
  readonly combo: Combo;
  readonly policy: PolicyName;
  readonly allocation: readonly number[];
  readonly stepS: number;
}

/**
 * The combination as a ClusterModel of replica classes (what buildHybridJob builds, from the
 * fast path's memoised class times), so the policies partition it as they partition any job.
 */
export function fastModel(
  base: Omit<ClusterModel, 'classes' | 'allReduceS'>,
  combo: Combo,
  fasts: readonly FastClass[],
  maxShareFactor: number,
): ClusterModel {
  const classes = combo.choice.map((c, index): ClassCost => {
    const fast = fasts[c.group] as FastClass;
    const memo = new Map<number, number>();
    const timeS = (b: number): number => {
      const q = microBatchesFor(c, b);
      if (q === 0) return 0;
      let t = memo.get(q);
      if (t === undefined) {
        t = fast.evaluate(c.layout, c.replicas, q).computeS;
        memo.set(q, t);
      }
      return t;
    };
    const gpusPerWorker = c.layout.tp * c.layout.pp * c.layout.cp;
    const cap = Math.min(combo.share * maxShareFactor, c.maxMicroBatches * c.layout.microBatch);
    let fit: { fixedS: number; perSequenceS: number } | null = null;
    const fitted = (): { fixedS: number; perSequenceS: number } => {
      fit ??= affineFit(timeS, Math.max(2, cap));
      return fit;
    };
    return {
      index,
      gpu: fast.ctx.gpu,
      count: c.replicas,
      timeS,
      get fixedS() {
        return fitted().fixedS;
      },
      get perSequenceS() {
        return fitted().perSequenceS;
      },
      microBatchCap: c.layout.microBatch,
      memoryCapSequences: cap,
      peakFlops: gpusPerWorker * peakFlopsFor(fast.ctx.gpu, base.workload),
      gpusPerWorker,
      unusedGpus: c.unusedGpus,
    };
  });
  // The exposed DP sync at the lockstep share (as buildHybridJob takes it).
  let allReduceS = 0;
  combo.choice.forEach((c) => {
    const fast = fasts[c.group] as FastClass;
    const e = fast.evaluate(c.layout, c.replicas, microBatchesFor(c, combo.share));
    if (e.dpExposedS > allReduceS) allReduceS = e.dpExposedS;
  });
  return { ...base, classes, allReduceS };
}

/** Every search policy's plan of one combination, by the one step composer. */
export function planCombo(model: ClusterModel, combo: Combo): FastPlan[] {
  const out: FastPlan[] = [];
  for (const name of SEARCH_POLICIES) {
    const policy = getPolicy(name);
    let allocation: readonly number[];
    try {
      allocation = startPartition(policy, { model, seed: 0 }).allocation;
    } catch {
      continue; // the policy cannot place the batch under the memory caps
    }
    const step = composeStep(model, stepSync(policy, model), modelStep(model, allocation));
    out.push({ combo, policy: name, allocation, stepS: step.stepS });
  }
  return out;
}

/**
 * Two cheap estimates of a combination's step, to choose which combinations the policies
 * partition: lockstep's (every class at the lockstep share) and a split proportional to each
 * class's throughput at its reference budget (close to what minmax finds, without its search).
 */
export function estimateCombo(
  combo: Combo,
  fasts: readonly FastClass[],
  B: number,
): { readonly lockstepS: number; readonly splitS: number } {
  const stepAt = (c: GenerationCandidate, perReplica: number): number => {
    const q = Math.min(c.maxMicroBatches, microBatchesFor(c, perReplica));
    if (q === 0) return 0;
    const e = (fasts[c.group] as FastClass).evaluate(c.layout, c.replicas, q);
    return e.computeS + e.dpExposedS;
  };
  let lockstepS = 0;
  let weight = 0;
  for (const c of combo.choice) {
    lockstepS = Math.max(lockstepS, stepAt(c, combo.share));
    weight += c.score;
  }
  let splitS = 0;
  for (const c of combo.choice) {
    const s = Math.max(c.replicas, Math.round((B * c.score) / weight));
    splitS = Math.max(splitS, stepAt(c, Math.ceil(s / c.replicas)));
  }
  return { lockstepS, splitS };
}
