/**
 * The figures of a step or a run, predicted or measured: what sim composes and every report shows.
 * Units in the names (S = seconds); fractions are in [0, 1].
 */
/** Per-policy figures, either measured on the local GPU or predicted by the analytic model. */
export interface PolicyFigures {
  /** Step time, seconds (cluster time, after time dilation is undone). */
  readonly stepS: number;
  /** 1 - sum(busy) / (N * T). */
  readonly stragglerLoss: number;
  /** Busy fraction per class (compute time / step time), in ClusterModel.classes order. */
  readonly busy: readonly number[];
  readonly tokensPerS: number;
  readonly mfu: number;
  /** lockstep step time / this policy's step time. */
  readonly speedup: number;
}

/** One measured step of one policy. */
export interface StepSample {
  /** Composed step time, seconds. */
  readonly stepS: number;
  /** Slowest GPU's compute time per class, seconds (cluster time). */
  readonly classComputeS: readonly number[];
  /** Exposed all-reduce, seconds. */
  readonly allReduceS: number;
  /** This step's straggler loss and MFU (optional: reports before 0.1 lacked them). */
  readonly stragglerLoss?: number;
  readonly mfu?: number;
}

export interface LossDecomposition {
  /** Each part is a fraction of total GPU-time; the parts sum to `total`. */
  readonly total: number;
  readonly generationMix: number;
  readonly jitter: number;
  readonly communication: number;
  readonly memoryCaps: number;
}
