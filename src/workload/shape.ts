import type { WorkloadSpec } from './types.js';

/** Bytes per element of the training dtype (weights, activations, gradients). */
export function dtypeBytes(dtype: WorkloadSpec['dtype']): number {
  return dtype === 'fp32' ? 4 : 2;
}

/** Width of one attention head. */
export function headDim(w: WorkloadSpec): number {
  return w.hidden / w.heads;
}

/** Width of the K (and of the V) projection: grouped-query attention shares K/V across heads. */
export function kvDim(w: WorkloadSpec): number {
  return w.kvHeads * headDim(w);
}

/**
 * Parameters of one decoder layer of a Llama-style transformer: Q, K, V, O projections,
 * a gated (SwiGLU) MLP with three h x f matrices, and two RMSNorm weight vectors.
 */
export function layerParams(w: WorkloadSpec): number {
  const attention = 2 * w.hidden * w.hidden + 2 * w.hidden * kvDim(w);
  const mlp = 3 * w.hidden * w.ffnHidden;
  return attention + mlp + 2 * w.hidden;
}

/**
 * Parameters implied by the shapes: layers, untied input embedding and LM head, final norm.
 * The spec's own `params` must agree with this to within PARAMS_TOLERANCE (catches typos).
 */
export function paramsFromShape(w: WorkloadSpec): number {
  return w.layers * layerParams(w) + 2 * w.vocab * w.hidden + w.hidden;
}

/** Largest relative difference allowed between `params` and paramsFromShape. */
export const PARAMS_TOLERANCE = 0.25;
