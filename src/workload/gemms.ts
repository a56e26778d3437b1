import { dtypeBytes, headDim, kvDim, mlpMatrices, recomputesFully } from './shape.js';
import type { Gemm, WorkloadSpec } from './types.js';

/**
 * The GEMMs of one training micro-batch of `sequences` sequences (m = sequences * seqLen
 * tokens): forward, backward, and (with activation recomputation) the layers' forward again
 * before their backward. A forward GEMM C[m x n] = A[m x k] B[k x n] has two backward GEMMs
 * of the same FLOPs: dA = dC B^T (m x k x n) and dB = A^T dC (k x n x m).
 *
 * Attention is counted as two batched matmuls per head and sequence over the full s x s score
 * matrix (scores Q K^T: s x s x d; context P V: s x d x s), the convention of the
 * "6N + 12 L h s" FLOPs formula; causal kernels skip about half of that work, which the
 * efficiency of the cost model absorbs. The embedding lookup is not a GEMM.
 */
export function stepGemms(w: WorkloadSpec, sequences: number): Gemm[] {
  const m = sequences * w.seqLen;
  const s = w.seqLen;
  const d = headDim(w);
  const L = w.layers;
  const perHead = L * sequences * w.heads;
  const forwardLayer: Omit<Gemm, 'phase'>[] = [
    { name: 'qkv-proj', m, n: w.hidden + 2 * kvDim(w), k: w.hidden, count: L },
    { name: 'attn-scores', m: s, n: s, k: d, count: perHead, batch: sequences * w.heads },
    { name: 'attn-context', m: s, n: d, k: s, count: perHead, batch: sequences * w.heads },
    { name: 'out-proj', m, n: w.hidden, k: w.hidden, count: L },
    { name: 'mlp-gate-up', m, n: (mlpMatrices(w) - 1) * w.ffnHidden, k: w.hidden, count: L },
    { name: 'mlp-down', m, n: w.hidden, k: w.ffnHidden, count: L },
  ];
  const head: Omit<Gemm, 'phase'> = { name: 'lm-head', m, n: w.vocab, k: w.hidden, count: 1 };
  const forward = [...forwardLayer, head];
  const gemms: Gemm[] = forward.map((g) => ({ ...g, phase: 'forward' }));
  if (recomputesFully(w)) gemms.push(...forwardLayer.map((g): Gemm => ({ ...g, phase: 'recompute' })));
  for (const g of forward) {
    const batched = g.batch === undefined ? {} : { batch: g.batch };
    gemms.push({ name: `${g.name}.dgrad`, m: g.m, n: g.k, k: g.n, count: g.count, phase: 'backward', ...batched });
    gemms.push({ name: `${g.name}.wgrad`, m: g.k, n: g.n, k: g.m, count: g.count, phase: 'backward', ...batched });
  }
  return gemms;
}

/** FLOPs of a GEMM list: 2 m n k per GEMM (one multiply and one add per term). */
export function gemmFlops(gemms: readonly Gemm[]): number {
  let total = 0;
  for (const g of gemms) total += 2 * g.m * g.n * g.k * g.count;
  return total;
}

/**
 * Model FLOPs per sequence, forward + backward, without recomputation (the MFU convention).
 * Equals seqLen * (6 N' + 12 L h s) where N' counts the parameters that take part in GEMMs
 * (all but the input embedding and norm weights): see docs/model.md.
 */
export function flopsPerSequence(w: WorkloadSpec): number {
  return gemmFlops(stepGemms({ ...w, recompute: false }, 1));
}

/**
 * Model FLOPs per sequence with causal attention counted at half (the upper triangle of the
 * s x s scores is masked, and flash attention skips it): seqLen * (6 N' + 6 L h s). This is
 * the convention of the Llama 3 paper's MFU (arXiv 2407.21783, Section 3.3.2) and of
 * Megatron-LM's throughput figures with causal masks; flopsPerSequence counts the full square.
 */
export function causalModelFlopsPerSequence(w: WorkloadSpec): number {
  const s = w.seqLen;
  return flopsPerSequence(w) - s * 6 * w.layers * w.hidden * s;
}

/** Bytes of gradient that the data-parallel all-reduce moves per step: one value per parameter in the training dtype. */
export function gradientBytes(w: WorkloadSpec): number {
  return w.params * dtypeBytes(w.dtype);
}

// The activation-memory formula lives beside the other per-layer bookkeeping; re-exported so
// that everything the model derives from a workload can be imported from one place.
export { activationBytesPerSequence } from './activations.js';
