import type { GpuSpec } from '../hardware/types.js';
import { dtypeBytes, kvDim, layerParams, mlpMatrices } from '../workload/shape.js';
import type { WorkloadSpec } from '../workload/types.js';
import type { ResolvedLayout } from './layout.js';
import { WORKSPACE_RESERVE_BYTES } from './memory-cap.js';

/**
 * Memory of one GPU of one pipeline stage (bytes), by ZeRO stage, recomputation and sequence
 * parallelism. Mixed-precision Adam: weights e bytes, gradients e, fp32 master weights 4 and
 * two fp32 moments 8 (the 16 bytes per parameter of MODEL_STATE_BYTES_PER_PARAM at bf16).
 *   ZeRO 0: nothing sharded; 1: the 12 optimizer bytes / dp; 2: + gradients / dp;
 *   3: + weights / dp, with GATHERED_LAYERS layers gathered whole at a time.
 * Activations per layer per micro-batch, per token on this GPU (Korthikanti et al. 2022,
 * Section 4, redone for a flash-attention Llama block that keeps no s x s tensor):
 *   none:      norm inputs 2h, QKV input h, MLP input h (replicated over TP without sequence
 *              parallelism, / tp with it), Q, K, V (h + 2 kv) / tp, attention output h / tp,
 *              MLP (3f SwiGLU, 2f GELU) / tp
 *   selective: without the activation outputs and norm outputs (the QKV and MLP inputs, and the
 *              MLP's activation output), recomputed from what is kept
 *   full:      the layer input h only (/ tp with sequence parallelism), plus one layer's full
 *              set while it is recomputed
 * times the micro-batches a stage holds in flight (the schedule's, sim/pipeline.ts), plus the
 * fp32 logits of one micro-batch on the last stage (vocab / tp).
 */
export const OPTIMIZER_BYTES_PER_PARAM = 12;
export const GATHERED_LAYERS = 3;

export interface StageMemory {
  readonly weightsBytes: number;
  readonly gradientBytes: number;
  readonly optimizerBytes: number;
  readonly gatheredBytes: number;
  readonly activationBytes: number;
  readonly reserveBytes: number;
  readonly totalBytes: number;
  readonly capacityBytes: number;
  /** capacity - total: negative when the stage does not fit. */
  readonly headroomBytes: number;
}

/** Activation bytes one layer keeps per micro-batch on one GPU. */
export function layerActivationBytes(w: WorkloadSpec, layout: ResolvedLayout): number {
  const t = layout.tp;
  const tokens = (layout.microBatch * w.seqLen) / layout.cp;
  const e = dtypeBytes(w.dtype);
  const rep = (x: number): number => (layout.sequenceParallel ? x / t : x);
  const h = w.hidden;
  const mlp = mlpMatrices(w) * w.ffnHidden;
  const full = rep(4 * h) + (h + 2 * kvDim(w)) / t + h / t + mlp / t;
  const elements =
    layout.recompute === 'none'
      ? full
      : layout.recompute === 'selective'
        ? rep(2 * h) + (h + 2 * kvDim(w)) / t + h / t + (mlp - w.ffnHidden) / t
        : rep(h);
  // Unfused attention keeps the softmax output (e bytes) and the dropout mask (1 byte) of the
  // b x heads/tp x sq x s score tensor, unless the layer is recomputed (Korthikanti's 5as/h).
  const scores =
    (layout.attention ?? 'flash') === 'unfused' && layout.recompute === 'none'
      ? layout.microBatch * (w.heads / t) * (w.seqLen / layout.cp) * w.seqLen * (e + 1)
      : 0;
  return tokens * elements * e + scores;
}

/** The layer's full activation set (what full recomputation rebuilds, live during one layer's backward). */
function layerFullActivationBytes(w: WorkloadSpec, layout: ResolvedLayout): number {
  return layerActivationBytes(w, { ...layout, recompute: 'none' });
}

export function stageMemory(args: {
  readonly gpu: GpuSpec;
  readonly workload: WorkloadSpec;
  readonly layout: ResolvedLayout;
  /** Parameters on one GPU of the stage before ZeRO sharding. */
  readonly paramsPerGpu: number;
  /** Per in-flight micro-batch: the layers of each chunk it holds, summed over what is in flight at the peak. */
  readonly layersInFlight: number;
  readonly last: boolean;
}): StageMemory {
  const { workload: w, layout } = args;
  const e = dtypeBytes(w.dtype);
  const dp = layout.dp;
  const p = args.paramsPerGpu;
  const weightsBytes = layout.zero >= 3 ? (p * e) / dp : p * e;
  const gradientBytes = layout.zero >= 2 ? (p * e) / dp : p * e;
  const optimizerBytes = layout.zero >= 1 ? (p * OPTIMIZER_BYTES_PER_PARAM) / dp : p * OPTIMIZER_BYTES_PER_PARAM;
  const gatheredBytes = layout.zero >= 3 ? (GATHERED_LAYERS * layerParams(w) * e) / layout.tp : 0;
  const kept = args.layersInFlight * layerActivationBytes(w, layout);
  const rebuilt = layout.recompute === 'none' ? 0 : layerFullActivationBytes(w, layout);
  const logits = args.last ? ((layout.microBatch * w.seqLen) / layout.cp) * (w.vocab / layout.tp) * 4 : 0;
  const activationBytes = kept + rebuilt + logits;
  const reserveBytes = WORKSPACE_RESERVE_BYTES;
  const totalBytes = weightsBytes + gradientBytes + optimizerBytes + gatheredBytes + activationBytes + reserveBytes;
  const capacityBytes = args.gpu.memoryGB * 1e9;
  return {
    weightsBytes,
    gradientBytes,
    optimizerBytes,
    gatheredBytes,
    activationBytes,
    reserveBytes,
    totalBytes,
    capacityBytes,
    headroomBytes: capacityBytes - totalBytes,
  };
}
