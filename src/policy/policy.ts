import type { Allocation, ClusterModel } from '../model/types.js';

/** The six policies hetbench ships (src/policy/index.ts registry). */
export type BuiltinPolicyName =
  | 'lockstep'
  | 'proportional-spec'
  | 'proportional-measured'
  | 'minmax'
  | 'adaptive'
  | 'islands';

declare const userPolicyNameBrand: unique symbol;

/**
 * The name of a policy loaded from a user's module (src/policy/user-policy.ts): a lower-case
 * slug that is no built-in's name. Branded so that only the checked constructor
 * (userPolicyName) makes one; a plain string is neither a built-in nor a checked user name.
 */
export type UserPolicyName = string & { readonly [userPolicyNameBrand]: true };

/** Any policy's name as runners, results and reports carry it: a built-in's or a user policy's. */
export type PolicyName = BuiltinPolicyName | UserPolicyName;

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

/** An online partitioner: the allocation for the next step, and what the last step's classes took. */
export interface AdaptiveController {
  /** The allocation for the next step. */
  readonly allocation: Allocation;
  /** Steps observed so far. */
  readonly steps: number;
  /** Current correction factor per class (observed / modelled time); 1 before any observation. */
  readonly corrections: readonly number[];
  /** Feed the slowest-GPU compute seconds per class of the step just run with `allocation`. */
  observe(classTimesS: readonly number[]): void;
}

interface PolicyBase {
  readonly name: PolicyName;
  readonly summary: string;
  /**
   * Sequences per class for the first step (for a static policy, every step), summing exactly
   * to the global batch with every GPU at or under its memory cap; throws a UsageError saying
   * why when it cannot.
   */
  allocate(ctx: PolicyContext): Allocation;
}

/** One synchronous step across the whole cluster, the same allocation every step. */
export interface StaticPolicy extends PolicyBase {
  readonly kind: 'static';
}

/** Synchronous, but the allocation is re-solved after every step from what the step took. */
export interface AdaptivePolicy extends PolicyBase {
  readonly kind: 'adaptive';
  start(ctx: PolicyContext): AdaptiveController;
}

/** Each class trains as its own job: no cross-class barrier, each class its own all-reduce. */
export interface IslandsPolicy extends PolicyBase {
  readonly kind: 'islands';
  /** Each island's own all-reduce seconds (before overlap). */
  islandAllReduceS(model: ClusterModel): readonly number[];
}

/**
 * A partitioning policy. Each member of the union brings what differs; runners never branch
 * on `kind`: they take the policy's partition (startPartition) and step synchronisation
 * (stepSync, src/policy/sync.ts) and hand both to the one composer (src/sim/compose.ts).
 */
export type Policy = StaticPolicy | AdaptivePolicy | IslandsPolicy;

/** What a runner drives step by step: the allocation to run, and the times it took. */
export interface Partition {
  readonly allocation: Allocation;
  /** True when the allocation may change between steps (it learns from observe). */
  readonly adapts: boolean;
  /** The slowest GPU's compute seconds per class (cluster time) of the step just run. */
  observe(slowestS: readonly number[]): void;
}

export function startPartition(policy: Policy, ctx: PolicyContext): Partition {
  if (policy.kind === 'adaptive') {
    const controller = policy.start(ctx);
    return {
      get allocation() {
        return controller.allocation;
      },
      adapts: true,
      observe: (slowestS) => controller.observe(slowestS),
    };
  }
  const allocation = policy.allocate(ctx);
  return { allocation, adapts: false, observe: () => {} };
}
