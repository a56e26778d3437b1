import type { Allocation, ClusterModel } from '../model/types.js';

export type PolicyName = 'lockstep' | 'proportional-spec' | 'proportional-measured' | 'minmax' | 'adaptive' | 'islands';

export interface PolicyContext {
  readonly model: ClusterModel;
  /** Policies are deterministic; the seed is there for any that break ties at random. */
  readonly seed: number;
  /** Measured sequences/s of ONE GPU of each class (local calibration), in model.classes order. */
  readonly measuredSequencesPerS?: readonly number[];
  /**
   * Expected slowest-of-n jitter multiplier per class (see sim/order-stats tailFactor). minmax
   * balances against timeS(b) * tail so that it stays optimal when jitter is modelled; absent = 1.
   */
  readonly classTailFactors?: readonly number[];
}

/**
 * A partitioning policy. `allocate` returns sequences per class summing exactly to the global
 * batch with every GPU at or under its memory cap (or throws a UsageError saying why it cannot).
 *
 * kind says how a runner composes the step:
 *  - 'static': one synchronous step across the whole cluster, the same allocation every step;
 *  - 'adaptive': synchronous, but the allocation changes each step (see createAdaptive);
 *  - 'islands': each class is its own job (see composeIslands and islandAllReduceS).
 */
export interface Policy {
  readonly name: PolicyName;
  readonly summary: string;
  readonly kind: 'static' | 'adaptive' | 'islands';
  allocate(ctx: PolicyContext): Allocation;
}
