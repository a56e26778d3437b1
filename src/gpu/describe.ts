import { type Gpu, RAISED_LIMITS } from './open.js';

/** The limits `doctor` shows: the ones hetbench raises (they bound its kernels and buffers), plus alignment. */
export const KEY_LIMITS = [...RAISED_LIMITS, 'minStorageBufferOffsetAlignment'] as const;

export interface GpuDescription {
  readonly adapter: Gpu['info'];
  readonly software: boolean;
  /** Every feature the adapter offers. */
  readonly features: readonly string[];
  /** The optional features hetbench enabled on the device. */
  readonly enabled: { readonly timestampQuery: boolean; readonly shaderF16: boolean; readonly subgroups: boolean };
  readonly timing: 'gpu-timestamp' | 'wall-clock';
  readonly limits: Readonly<Record<(typeof KEY_LIMITS)[number], number>>;
  readonly dawnFlags: readonly string[];
  /** How the host waits for the device (src/gpu/polling.ts). */
  readonly polling: Gpu['polling'];
}

export function describeGpu(gpu: Gpu): GpuDescription {
  const limits = {} as Record<(typeof KEY_LIMITS)[number], number>;
  for (const name of KEY_LIMITS) limits[name] = gpu.limits[name];
  return {
    adapter: gpu.info,
    software: gpu.info.isFallbackAdapter,
    features: [...gpu.adapter.features].sort(),
    enabled: gpu.features,
    timing: gpu.features.timestampQuery ? 'gpu-timestamp' : 'wall-clock',
    limits,
    dawnFlags: gpu.dawnFlags,
    polling: gpu.polling,
  };
}
