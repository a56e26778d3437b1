import type { Gpu } from '../gpu/open.js';

/**
 * The autotuner's defaults, named once: autotune(), kernelFor() and the benchmark read them here.
 * A software (CPU) adapter runs matmuls about 100x slower than a GPU, so sizes and budgets differ.
 */
export interface PerAdapterKind {
  readonly software: number;
  readonly gpu: number;
}

/** The tuning size: largest dimension of the representative shape a shape class is tuned on. */
export const TUNE_CAP: PerAdapterKind = { software: 1024, gpu: 4096 };

/** Seconds one autotune() call may spend timing candidates (once one has passed). */
export const TUNE_BUDGET_S: PerAdapterKind = { software: 8, gpu: 60 };

/** Seconds kernelFor() may spend tuning over the life of the process, all classes together. */
export const PROCESS_TUNE_BUDGET_S: PerAdapterKind = { software: 30, gpu: 120 };

/** Timed repetitions per candidate (the median is kept). */
export const TUNE_REPS = 3;

/** The value of `value` for this adapter's kind. */
export function forAdapter(value: PerAdapterKind, gpu: Pick<Gpu, 'info'>): number {
  return gpu.info.isFallbackAdapter ? value.software : value.gpu;
}
