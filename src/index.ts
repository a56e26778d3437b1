/**
 * hetbench as a library. The GPU entry points are named as the project promises:
 * openGpu(options?), matmul(gpu, a, b, { m, n, k }) -> Float32Array, closeGpu(gpu).
 */

export type * from './cluster/types.js';
export { DeviceError, GpuUnavailableError, HetbenchError, SpecError, UsageError } from './errors.js';
export {
  type Backend,
  closeGpu,
  type Gpu,
  type GpuFeatures,
  type GpuOptions,
  openGpu,
  setHostPolling,
  withGpu,
} from './gpu/open.js';
export type { HostPolling, HostPollingOption } from './gpu/polling.js';
export { withErrorScopes } from './gpu/scope.js';
export { type PassTimes, type TimingMethod, timePasses } from './gpu/timer.js';
export type * from './hardware/types.js';
export type { KernelPlan, MatmulKernel, MatmulShape } from './kernels/kernel.js';
export { type MatmulOptions, type MatmulTiming, matmul, prepareMatmul, timeMatmul } from './kernels/matmul.js';
export { naiveKernel } from './kernels/naive.js';
export { f32ErrorBound, referenceMatmul, verifyMatmul } from './kernels/reference.js';
export type * from './model/types.js';
/** Your own policy (docs/policies.md, "Your own policy"): the interface a `--policy ./x.mjs` module exports. */
export type {
  AdaptiveController,
  BuiltinPolicyName,
  PolicyContext,
  PolicyName,
  UserPolicyName,
} from './policy/policy.js';
export {
  checkAllocation,
  fromUserPolicy,
  USER_POLICY_NAME,
  type UserAdaptivePolicy,
  type UserController,
  type UserPolicy,
  type UserPolicySource,
  type UserStaticPolicy,
  userPolicyProblems,
} from './policy/user-policy.js';
export type * from './report/schema.js';
export type * from './workload/types.js';
