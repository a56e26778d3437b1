import type { PolicyName } from '../policy/policy.js';
import type { PolicyFigures, StepSample } from '../sim/figures.js';

export interface PolicyRun {
  readonly policy: PolicyName;
  /** Sequences per class; sums to the global batch. */
  readonly allocation: readonly number[];
  readonly measured: PolicyFigures;
  readonly predicted: PolicyFigures;
  readonly steps: readonly StepSample[];
}
