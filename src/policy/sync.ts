import type { ClusterModel } from '../model/types.js';
import type { Policy } from './policy.js';

/**
 * How the GPUs of a step synchronise, the part of a step's definition that a policy decides:
 *  - barrier: one synchronous step; every class waits for the slowest, then the part of the
 *    gradient all-reduce not hidden behind backward compute (allReduceS * (1 - overlap));
 *  - islands: every class is its own job with its own exposed all-reduce and no common barrier.
 * The hybrid-parallel model extends this seam with pipeline schedules.
 */
export type StepSync =
  | { readonly kind: 'barrier'; readonly exposedAllReduceS: number }
  | { readonly kind: 'islands'; readonly exposedAllReduceS: readonly number[] };

/** The exposed (not overlapped) part of the cluster's gradient all-reduce, seconds. */
export function exposedAllReduceS(model: ClusterModel): number {
  return model.allReduceS * (1 - model.overlap);
}

export function barrierSync(model: ClusterModel, communication = true): StepSync {
  return { kind: 'barrier', exposedAllReduceS: communication ? exposedAllReduceS(model) : 0 };
}

/**
 * The policy's synchronisation on this model. `islandAllReduceS` overrides the islands' own
 * all-reduce seconds (simulate's exact per-island figures); absent, the policy derives them.
 */
export function stepSync(policy: Policy, model: ClusterModel, islandAllReduceS?: readonly number[]): StepSync {
  if (policy.kind !== 'islands') return barrierSync(model);
  const own = islandAllReduceS ?? policy.islandAllReduceS(model);
  return { kind: 'islands', exposedAllReduceS: model.classes.map((_, i) => (own[i] ?? 0) * (1 - model.overlap)) };
}
