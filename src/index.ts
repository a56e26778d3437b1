/**
 * hetbench as a library. The GPU entry points are named as the project promises:
 * openGpu(options?), matmul(gpu, a, b, { m, n, k }) -> Float32Array, closeGpu(gpu).
 */
export {
  openGpu,
  closeGpu,
  withGpu,
  setHostPolling,
  type Gpu,
  type GpuOptions,
  type GpuFeatures,
  type Backend,
} from './gpu/open.js';
export type { HostPolling, HostPollingOption } from './gpu/polling.js';
export { timePasses, type PassTimes, type TimingMethod } from './gpu/timer.js';
export { withErrorScopes } from './gpu/scope.js';
export { matmul, timeMatmul, prepareMatmul, type MatmulOptions, type MatmulTiming } from './kernels/matmul.js';
export { referenceMatmul, verifyMatmul, f32ErrorBound } from './kernels/reference.js';
export type { MatmulShape, MatmulKernel, KernelPlan } from './kernels/kernel.js';
export { naiveKernel } from './kernels/naive.js';
export { HetbenchError, UsageError, SpecError, GpuUnavailableError, DeviceError } from './errors.js';
export type * from './report/schema.js';
export type * from './model/types.js';
