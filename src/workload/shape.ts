import type { WorkloadSpec } from './types.js';

/** The workload's recomputation as a mode: the boolean of the DP-era specs means full (true) or none (false). */
export function recomputeMode(w: WorkloadSpec): 'none' | 'selective' | 'full' {
  return w.recompute === true ? 'full' : w.recompute === false ? 'none' : w.recompute;
}

/** True when every layer's forward runs again before its backward. */
export function recomputesFully(w: WorkloadSpec): boolean {
  return recomputeMode(w) === 'full';
}

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

/** h x f matrices of the MLP block: three for a gated SwiGLU (gate, up, down), two for GELU (up, down). */
export function mlpMatrices(w: WorkloadSpec): 2 | 3 {
  return w.mlp === 'gelu' ? 2 : 3;
}

/**
 * Parameters of one decoder layer: Q, K, V, O projections, the MLP's h x f matrices (three for
 * SwiGLU, two for GELU), and two norm weight vectors.
 */
export function layerParams(w: WorkloadSpec): number {
  const attention = 2 * w.hidden * w.hidden + 2 * w.hidden * kvDim(w);
  const mlp = mlpMatrices(w) * w.hidden * w.ffnHidden;
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
