import type { Gpu } from '../gpu/open.js';
import { withErrorScopes } from '../gpu/scope.js';
import type { KernelPlan } from './kernel.js';

// Generated WGSL bakes in the sizes, so each shape compiles once; cache per device by source.
const cache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

/** Compiles (once per device and source) the compute pipeline of a kernel plan. */
export function getPipeline(gpu: Gpu, plan: KernelPlan): Promise<GPUComputePipeline> {
  let perDevice = cache.get(gpu.device);
  if (!perDevice) {
    perDevice = new Map();
    cache.set(gpu.device, perDevice);
  }
  let pipeline = perDevice.get(plan.code);
  if (!pipeline) {
    pipeline = withErrorScopes(gpu, `compiling ${plan.label}`, () => {
      const module = gpu.device.createShaderModule({ code: plan.code, label: plan.label });
      return gpu.device.createComputePipelineAsync({
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
        label: plan.label,
      });
    });
    // A failed compile must not poison the cache for a later retry.
    pipeline.catch(() => perDevice.delete(plan.code));
    perDevice.set(plan.code, pipeline);
  }
  return pipeline;
}
