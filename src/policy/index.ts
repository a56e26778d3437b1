import { UsageError } from '../errors.js';
import { adaptive } from './adaptive.js';
import { islands } from './islands.js';
import { lockstep } from './lockstep.js';
import { minmax } from './minmax.js';
import type { Policy, PolicyName } from './policy.js';
import { proportionalMeasured } from './proportional-measured.js';
import { proportionalSpec } from './proportional-spec.js';

export { type AdaptiveOptions, createAdaptive } from './adaptive.js';
export { islandAllReduceS } from './islands.js';
export { lockstepAllocation } from './lockstep.js';
export { type MinmaxClass, minmaxAllocation, minmaxSplit } from './minmax.js';
export type {
  AdaptiveController,
  AdaptivePolicy,
  IslandsPolicy,
  Partition,
  Policy,
  PolicyContext,
  PolicyName,
  StaticPolicy,
} from './policy.js';
export { startPartition } from './policy.js';
export { barrierSync, exposedAllReduceS, type StepSync, stepSync } from './sync.js';

const registry: readonly Policy[] = [lockstep, proportionalSpec, proportionalMeasured, minmax, adaptive, islands];

/** Every policy, in the order reports list them. */
export const policyNames: readonly PolicyName[] = registry.map((p) => p.name);

export function isPolicyName(name: string): name is PolicyName {
  return registry.some((p) => p.name === name);
}

/** The policy of that name; a UsageError naming the parameter `policy` (the CLI maps it to its flag) otherwise. */
export function getPolicy(name: string): Policy {
  const p = registry.find((q) => q.name === name);
  if (!p) throw new UsageError('policy', name, `is not a policy; use one of: ${policyNames.join(', ')}, or all.`);
  return p;
}
