/**
 * The versioned JSON report every results-producing command writes (`run`, `bench`).
 * `compare` and `export` read only what is here; bump SCHEMA_VERSION on any breaking change.
 */
export const SCHEMA_VERSION = 1;

import type { Environment } from '../bench/environment-info.js';
import type { PolicyRun } from '../bench/policy-run.js';
import type { Roofline } from '../kernels/roofline.js';
import type { PolicyName, UserPolicyName } from '../policy/policy.js';
import type { HybridLossDecomposition } from '../sim/decompose-hybrid.js';
import type { LossDecomposition } from '../sim/figures.js';
import type { Metric } from './metric.js';
import type { Quality } from './quality.js';

export type { Environment } from '../bench/environment-info.js';
export type { PolicyRun } from '../bench/policy-run.js';
export type { AdapterInfo } from '../gpu/adapter-info.js';
export type { Roofline } from '../kernels/roofline.js';
export type { LossDecomposition, PolicyFigures, StepSample } from '../sim/figures.js';
export type { Metric, MetricId, Unit } from './metric.js';
export type { Quality, QualityVerdict } from './quality.js';

export interface ReportBase {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly kind: 'run' | 'bench';
  readonly tool: { readonly name: 'hetbench'; readonly version: string };
  readonly createdAt: string;
  readonly environment: Environment;
  readonly metrics: readonly Metric[];
}

/** One class of the run's model; `measured` once the run measured it (absent in reports before it). */
export interface RunClass {
  readonly gpu: string;
  readonly count: number;
  readonly measured?: {
    /** Median measured over modelled compute time (1 = as modelled; a --slow 1.1 what-if reads about 1.1). */
    readonly computeRatio: number;
    /** Its 95% bootstrap interval, and the samples behind it (every measured step of every policy). */
    readonly ci: readonly [number, number];
    readonly samples: number;
  };
}

export interface RunReport extends ReportBase {
  readonly kind: 'run';
  readonly status: 'complete' | 'partial';
  /** Present when status is 'partial': what failed. */
  readonly failure?: string;
  readonly inputs: {
    readonly cluster: unknown;
    readonly workload: unknown;
    readonly policies: readonly PolicyName[];
    readonly steps: number;
    readonly seed: number;
    readonly quick: boolean;
    /** `run --slow`: GPU id -> the factor its local work was multiplied by (the model not told). */
    readonly slow?: Readonly<Record<string, number>>;
    /** The user policies' modules (`--policy ./x.mjs`): which file, and the SHA-256 of the version that ran. */
    readonly policyModules?: readonly PolicyModuleRecord[];
  };
  readonly classes: readonly RunClass[];
  readonly policies: readonly PolicyRun[];
  /** Lockstep's loss split by cause (model), fractions of total GPU-time. */
  readonly decomposition: LossDecomposition | null;
  /** A hybrid-parallel run's lockstep loss split in 3D against the ideal step (model; sim/decompose-hybrid.ts). */
  readonly hybridDecomposition?: HybridLossDecomposition;
  /** The adaptive policy's step time per step, seconds, if it ran. */
  readonly adaptiveTrace: readonly number[] | null;
  /** Wall time of the whole run, seconds. */
  readonly wallS: number;
  /** How far the measured figures can be trusted (quality.ts); absent in reports older than it. */
  readonly quality?: Quality;
}

/** A user policy of a run and the module it came from (cli/policy-module.ts). */
export interface PolicyModuleRecord {
  readonly policy: UserPolicyName;
  /** The module's path as given on the command line. */
  readonly module: string;
  /** SHA-256 (hex) of the module file's bytes as read. */
  readonly sha256: string;
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
