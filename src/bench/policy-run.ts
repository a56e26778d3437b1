import type { PolicyName } from '../policy/policy.js';
import type { PolicyFigures, StepSample } from '../sim/figures.js';
import type { FigureIntervals } from './measured-figures.js';

export interface PolicyRun {
  readonly policy: PolicyName;
  /** Sequences per class; sums to the global batch. */
  readonly allocation: readonly number[];
  readonly measured: MeasuredFigures;
  readonly predicted: PolicyFigures;
  readonly steps: readonly StepSample[];
}

/** The measured figures, each with its 95% paired round-bootstrap interval (measured-figures.ts). */
export interface MeasuredFigures extends PolicyFigures {
  readonly ci: FigureIntervals;
}
