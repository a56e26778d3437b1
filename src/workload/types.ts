/**
 * A transformer workload and the GEMMs of its training step. "Sequence" is the unit of batch:
 * one training sample of seqLen tokens.
 */

/** One GEMM C[m x n] = A[m x k] * B[k x n] of a training step, `count` times per micro-batch. */
export interface Gemm {
  readonly name: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly count: number;
  readonly phase: 'forward' | 'backward' | 'recompute';
  /**
   * How many of the `count` GEMMs run together in one batched launch (attention: heads x
   * sequences of one layer). Absent means 1. Only the cost model's efficiency uses it: a
   * batched launch fills the GPU like one GEMM with `batch` times the outputs.
   */
  readonly batch?: number;
}

export interface WorkloadSpec {
  readonly name: string;
  readonly params: number;
  readonly layers: number;
  readonly hidden: number;
  readonly ffnHidden: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly vocab: number;
  readonly seqLen: number;
  /** Global batch: explicit sequences per step, or sequences per GPU times the cluster size. */
  readonly globalBatch: { readonly sequences: number } | { readonly sequencesPerGpu: number };
  readonly dtype: 'bf16' | 'fp16' | 'fp32';
  /**
   * Activation recomputation: true / 'full' (keep each layer's input, redo its forward before its
   * backward), 'selective' (recompute the activation functions and norms), false / 'none'.
   */
  readonly recompute: boolean | 'none' | 'selective' | 'full';
  /** MLP block: Llama-style gated SwiGLU (three h x f matrices) or GPT-style GELU (two). Absent: swiglu. */
  readonly mlp?: 'gelu' | 'swiglu';
}
