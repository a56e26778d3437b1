import type { GpuSpec } from '../hardware/types.js';
import { activationBytesPerSequence } from '../workload/activations.js';
import { dtypeBytes, layerParams } from '../workload/shape.js';
import type { WorkloadSpec } from '../workload/types.js';

/**
 * Bytes of model state per parameter under mixed-precision Adam: bf16 weights (2) and
 * gradients (2), fp32 master weights (4), two fp32 Adam moments (8) = 16 (fp32 training:
 * 4 + 4 + 8 = 16 as well). Sharded over every GPU of the cluster (FSDP / ZeRO-3).
 */
export const MODEL_STATE_BYTES_PER_PARAM = 16;
/** Fixed per-GPU reserve: CUDA context, cuBLAS/NCCL workspaces, allocator fragmentation. */
export const WORKSPACE_RESERVE_BYTES = 4e9;
/** Unsharded buffers FSDP keeps live: the gathered current and prefetched layer, plus one layer's full gradient. */
export const FSDP_GATHERED_LAYERS = 3;

export interface MemoryBreakdown {
  readonly capacityBytes: number;
  readonly reserveBytes: number;
  readonly shardedStateBytes: number;
  readonly gatheredBufferBytes: number;
  readonly freeBytes: number;
  readonly activationBytesPerSequence: number;
  /** floor(free / activation per sequence), 0 when not even one sequence fits. */
  readonly capSequences: number;
}

/**
 * Per-GPU memory of one generation when the model's states are sharded over `clusterGpus`:
 *   free = memoryGB * 1e9 - reserve - 16 P / N - 3 * max(layer params, vocab * hidden) * e
 *   cap  = floor(free / activation bytes per sequence)
 */
export function memoryBreakdown(gpu: GpuSpec, w: WorkloadSpec, clusterGpus: number): MemoryBreakdown {
  const capacityBytes = gpu.memoryGB * 1e9;
  const shardedStateBytes = (MODEL_STATE_BYTES_PER_PARAM * w.params) / clusterGpus;
  const largestGathered = Math.max(layerParams(w), w.vocab * w.hidden);
  const gatheredBufferBytes = FSDP_GATHERED_LAYERS * largestGathered * dtypeBytes(w.dtype);
  const freeBytes = capacityBytes - WORKSPACE_RESERVE_BYTES - shardedStateBytes - gatheredBufferBytes;
  const perSequence = activationBytesPerSequence(w);
  const capSequences = freeBytes <= 0 ? 0 : Math.floor(freeBytes / perSequence);
  return {
    capacityBytes,
    reserveBytes: WORKSPACE_RESERVE_BYTES,
    shardedStateBytes,
    gatheredBufferBytes,
    freeBytes,
    activationBytesPerSequence: perSequence,
    capSequences,
  };
}
