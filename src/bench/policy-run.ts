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
  /**
   * A run on pipeline stages (stage-units.ts): [class][virtual stage] the measured per-step
   * seconds of one micro-batch's forward and backward, in cluster seconds (local x the settled
   * dilation); a class with no work at a step has no sample there.
   */
  readonly stages?: readonly (readonly StageSamples[])[];
}

export interface StageSamples {
  readonly forwardS: readonly number[];
  readonly backwardS: readonly number[];
  /** The model's forward and backward seconds of the stage's micro-batch at the policy's last allocation. */
  readonly modelForwardS: number;
  readonly modelBackwardS: number;
}
