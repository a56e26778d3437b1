/**
 * The versioned JSON report every results-producing command writes (`run`, `bench`).
 * `compare` and `export` read only what is here; bump SCHEMA_VERSION on any breaking change.
 */
export const SCHEMA_VERSION = 1;

export interface AdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  readonly backend: string;
}

export interface Environment {
  readonly gitSha: string | null;
  readonly os: string;
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly webgpu: string;
  readonly dawnToggles: readonly string[];
  readonly adapter: AdapterInfo | null;
  /** How durations were taken: GPU timestamp queries, or the wall clock (when timestamp-query is missing). */
  readonly timing: 'gpu-timestamp' | 'wall-clock';
  /**
   * How the host thread waited for the GPU (src/gpu/polling.ts): `timer` sleeps between polls,
   * `busy` spins a core. Absent when no GPU was opened, and in reports from before it was recorded.
   */
  readonly hostPolling?: 'busy' | 'timer';
}

/**
 * One tracked figure. `samples` are the raw repeated observations (e.g. per-step or per-rep)
 * that `compare` uses for its statistics; `value` is their summary (median unless stated).
 */
export interface Metric {
  /** Stable dotted key, e.g. 'run.lockstep.stepTime', 'kernel.tuned.1024x1024x1024.gflops'. */
  readonly name: string;
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  readonly value: number;
  readonly samples: readonly number[];
}

export interface ReportBase {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly kind: 'run' | 'bench';
  readonly tool: { readonly name: 'hetbench'; readonly version: string };
  readonly createdAt: string;
  readonly environment: Environment;
  readonly metrics: readonly Metric[];
}

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

export interface PolicyRun {
  readonly policy: string;
  /** Sequences per class; sums to the global batch. */
  readonly allocation: readonly number[];
  readonly measured: PolicyFigures;
  readonly predicted: PolicyFigures;
  readonly steps: readonly StepSample[];
}

export interface LossDecomposition {
  /** Each part is a fraction of total GPU-time; the parts sum to `total`. */
  readonly total: number;
  readonly generationMix: number;
  readonly jitter: number;
  readonly communication: number;
  readonly memoryCaps: number;
}

export interface RunReport extends ReportBase {
  readonly kind: 'run';
  readonly status: 'complete' | 'partial';
  /** Present when status is 'partial': what failed. */
  readonly failure?: string;
  readonly inputs: {
    readonly cluster: unknown;
    readonly workload: unknown;
    readonly policies: readonly string[];
    readonly steps: number;
    readonly seed: number;
    readonly quick: boolean;
  };
  readonly classes: readonly { readonly gpu: string; readonly count: number }[];
  readonly policies: readonly PolicyRun[];
  /** Lockstep's loss split by cause (model), fractions of total GPU-time. */
  readonly decomposition: LossDecomposition | null;
  /** The adaptive policy's step time per step, seconds, if it ran. */
  readonly adaptiveTrace: readonly number[] | null;
  /** Wall time of the whole run, seconds. */
  readonly wallS: number;
}

export interface KernelResult {
  readonly kernel: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly dtype: 'f32' | 'f16';
  readonly gflops: number;
  /** GFLOP/s per repetition. */
  readonly samples: readonly number[];
  /** gflops / measured FMA peak of the same dtype, when a roofline was probed. */
  readonly fractionOfPeak: number | null;
}

export interface Roofline {
  readonly fmaF32Gflops: number;
  readonly fmaF16Gflops: number | null;
  readonly bandwidthGBs: number;
}

export interface BenchReport extends ReportBase {
  readonly kind: 'bench';
  readonly kernels: readonly KernelResult[];
  readonly roofline: Roofline | null;
  /** Native BLAS sgemm on the same CPU in the same run (numpy), when python3 with numpy is present. */
  readonly blas:
    | readonly { readonly m: number; readonly n: number; readonly k: number; readonly gflops: number }[]
    | null;
}

export type Report = RunReport | BenchReport;
