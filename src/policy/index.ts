import { UsageError } from '../errors.js';
import { adaptive } from './adaptive.js';
import { islands } from './islands.js';
import { lockstep } from './lockstep.js';
import { minmax } from './minmax.js';
import type { BuiltinPolicyName, Policy, PolicyName } from './policy.js';
import { proportionalMeasured } from './proportional-measured.js';
import { proportionalSpec } from './proportional-spec.js';

export { type AdaptiveOptions, createAdaptive } from './adaptive.js';
export { islandAllReduceS } from './islands.js';
export { lockstepAllocation } from './lockstep.js';
export { type MinmaxClass, minmaxAllocation, minmaxSplit } from './minmax.js';
export type {
  AdaptiveController,
  AdaptivePolicy,
  BuiltinPolicyName,
  IslandsPolicy,
  Partition,
  Policy,
  PolicyContext,
  PolicyName,
  StaticPolicy,
  UserPolicyName,
} from './policy.js';
export { startPartition } from './policy.js';
export { barrierSync, exposedAllReduceS, type StepSync, stepSync } from './sync.js';
export {
  checkAllocation,
  fromUserPolicy,
  USER_POLICY_NAME,
  type UserAdaptivePolicy,
  type UserController,
  type UserPolicy,
  type UserPolicySource,
  type UserStaticPolicy,
  userPolicyName,
  userPolicyProblems,
} from './user-policy.js';

const registry: readonly Policy[] = [lockstep, proportionalSpec, proportionalMeasured, minmax, adaptive, islands];

/** Every built-in policy, in the order reports list them. */
export const policyNames: readonly BuiltinPolicyName[] = registry.map((p) => p.name as BuiltinPolicyName);

export function isPolicyName(name: string): name is BuiltinPolicyName {
  return registry.some((p) => p.name === name);
}

/**
 * A policy as runners take it: a built-in by name, or a policy object (a user's module,
 * user-policy.ts fromUserPolicy). Results and reports carry its name either way.
 */
export type PolicyRef = BuiltinPolicyName | Policy;

export function resolvePolicy(ref: PolicyRef): Policy {
  return typeof ref === 'string' ? getPolicy(ref) : ref;
}

export function policyNameOf(ref: PolicyRef): PolicyName {
  return typeof ref === 'string' ? ref : ref.name;
}

/** The policy of that name; a UsageError naming the parameter `policy` (the CLI maps it to its flag) otherwise. */
export function getPolicy(name: string): Policy {
  const p = registry.find((q) => q.name === name);
  if (!p) throw new UsageError('policy', name, `is not a policy; use one of: ${policyNames.join(', ')}, or all.`);
  return p;
}
