import type { PolicyFigures, StepSample } from '../sim/figures.js';

export interface PolicyRun {
  readonly policy: string;
  /** Sequences per class; sums to the global batch. */
  readonly allocation: readonly number[];
  readonly measured: PolicyFigures;
  readonly predicted: PolicyFigures;
  readonly steps: readonly StepSample[];
}
