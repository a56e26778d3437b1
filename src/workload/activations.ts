import { dtypeBytes, kvDim, mlpMatrices, recomputesFully } from './shape.js';
import type { WorkloadSpec } from './types.js';

/**
 * Activation elements one decoder layer keeps per token for its backward pass, assuming a
 * fused (flash) attention kernel that stores no s x s score matrix, no dropout, RMSNorm and
 * a SwiGLU MLP:
 *   attention norm input h, QKV input h, Q h + K kv + V kv, attention output h,
 *   MLP norm input h, MLP input h, gate and up outputs 2f, SwiGLU output f
 *   = 6h + 2kv + 3f.
 * (Korthikanti et al. 2022 count 34 s b h bytes for GPT with dropout and without flash attention;
 * this is the same bookkeeping for today's Llama-style block.)
 */
export function layerActivationElementsPerToken(w: WorkloadSpec): number {
  // GELU keeps the up projection's output and the activation's (2f), SwiGLU gate, up and product (3f).
  return 6 * w.hidden + 2 * kvDim(w) + mlpMatrices(w) * w.ffnHidden;
}

/** Bytes per token of the fp32 logits kept for the cross-entropy backward. */
export function logitBytesPerToken(w: WorkloadSpec): number {
  return 4 * w.vocab;
}

/**
 * Peak activation bytes one sequence holds during a step.
 * - Without recomputation every layer keeps all of its activations:
 *     s * (L * A * e + 4 V)
 * - With full recomputation each layer keeps only its input (h elements per token), and one
 *   layer's full set is live again while it is recomputed for its backward:
 *     s * ((L * h + A) * e + 4 V)
 * where A = layerActivationElementsPerToken, e = dtype bytes, V = vocab (fp32 logits).
 */
export function activationBytesPerSequence(w: WorkloadSpec): number {
  const e = dtypeBytes(w.dtype);
  const layer = layerActivationElementsPerToken(w);
  const kept = recomputesFully(w) ? w.layers * w.hidden + layer : w.layers * layer;
  return w.seqLen * (kept * e + logitBytesPerToken(w));
}
