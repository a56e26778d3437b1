import type { ClusterModel } from '../model/types.js';
import { barrierSync, getPolicy, isPolicyName, stepSync } from '../policy/index.js';
import { type RoundBootstrapOptions, roundBootstrap } from '../stats/round-bootstrap.js';
import type { Calibration } from './calibrate.js';
import { fitLocalTime, type LocalTimeFit, type LocalTimeModel, workScaled } from './local-fit.js';
import {
  classTimeRatios,
  composeMeasured,
  type JitterSource,
  type MeasuredComposition,
  type MeasuredJitter,
  measuredJitter,
  settleDilation,
} from './measured-compose.js';
import type { Measured } from './rounds.js';
import type { WorkFactor } from './work-factor.js';

/**
 * Everything the run's figures are computed from, and the one function that computes them from
 * a subset (or resample) of its rounds: the point figures use every round, each bootstrap
 * resample recomputes the same chain (fit, dilation, noise, composition) on its own rounds, so
 * an interval carries the uncertainty of every step of it, the dilation's included.
 */
export interface FigureInputs {
  readonly model: ClusterModel;
  readonly source: JitterSource;
  /** The calibration pass's dilation and R (settled again on the rounds). */
  readonly calibration: Calibration;
  readonly lockClassS: readonly number[];
  /** The lockstep pilot: part of the dilation's data, never resampled. */
  readonly pilot: Measured;
  /** Each policy's interleaved steps: step s of every policy is round s. */
  readonly measured: readonly Measured[];
  readonly localTime: LocalTimeModel;
  /** The what-if's per-class work multiplier (work-factor.ts); absent: none. */
  readonly workFactor?: WorkFactor;
}

/** The calibration the figures were composed with: dilation settled on the run, and the local-time fit. */
export interface SettledCalibration extends Calibration {
  readonly fit: LocalTimeFit;
}

export interface ComposedFigures {
  readonly calibration: SettledCalibration;
  readonly jitter: MeasuredJitter;
  /** Lockstep's measured step (the pilot's when lockstep was not measured): every speedup's reference. */
  readonly lockstepS: number;
  /** One per `measured` entry, in order. */
  readonly compositions: readonly MeasuredComposition[];
  /** Per class, its measured over modelled compute time at every measured step (classTimeRatios); empty in a resample. */
  readonly classRatios: readonly (readonly number[])[];
}

export type CiFigure = 'stepS' | 'speedup' | 'stragglerLoss' | 'mfu' | 'tokensPerS';
export const CI_FIGURES: readonly CiFigure[] = ['stepS', 'speedup', 'stragglerLoss', 'mfu', 'tokensPerS'];
/** A 95% (by default) interval per measured figure. */
export type FigureIntervals = Readonly<Record<CiFigure, readonly [number, number]>>;

function selectRounds(m: Measured, rounds: readonly number[] | null): Measured {
  if (rounds === null) return m;
  const keep = rounds.filter((r) => r < m.local.length);
  return {
    ...m,
    allocations: keep.map((r) => m.allocations[r] ?? []),
    local: keep.map((r) => m.local[r] ?? []),
  };
}

/** The local-time fit of the whole run and every pass corrected by it (local-fit.ts). */
export interface FittedRun {
  readonly fit: LocalTimeFit;
  readonly pilot: Measured;
  readonly measured: readonly Measured[];
}

export function fitRun(inputs: FigureInputs): FittedRun {
  const { model, calibration, workFactor } = inputs;
  const fit = fitLocalTime(model, calibration, [inputs.pilot, ...inputs.measured], inputs.localTime, workFactor);
  return {
    fit,
    pilot: workScaled(model, calibration, fit, inputs.pilot, workFactor),
    measured: inputs.measured.map((m) => workScaled(model, calibration, fit, m, workFactor)),
  };
}

/**
 * The run's figures from the given rounds (null: all of them), their passes corrected by the
 * whole run's fit (`fitted`). Resamples share that fit: with many unit counts (six policies,
 * three classes) its intercept moves far less than the dilation and the medians that every
 * resample does recompute. A resample (`rounds` given) skips what no interval needs: per-step
 * samples, and the noise estimate when the tail's jitter is given rather than measured.
 */
export function composeFigures(
  inputs: FigureInputs,
  rounds: readonly number[] | null,
  fitted: FittedRun = fitRun(inputs),
): ComposedFigures {
  const { model } = inputs;
  const full = rounds === null;
  const scaled = fitted.measured.map((m) => selectRounds(m, rounds));
  const pilot = fitted.pilot;
  const lockstep = scaled.find((m) => m.policy === 'lockstep');
  const settled = settleDilation(
    inputs.calibration,
    inputs.lockClassS,
    lockstep ? [pilot, lockstep] : [pilot],
    inputs.workFactor,
  );
  const calibration: SettledCalibration = { ...settled, fit: fitted.fit };
  const jitter = measuredJitter(model, full || inputs.source === 'measured' ? scaled : [], calibration, inputs.source);
  // A user's policy (policy/user-policy.ts) is static or adaptive, never islands: one barrier.
  const syncOf = (m: Measured) => (isPolicyName(m.policy) ? stepSync(getPolicy(m.policy), model) : barrierSync(model));
  const reference = lockstep ?? pilot;
  const lockstepS = composeMeasured(model, syncOf(reference), reference, calibration, jitter.tailFactors, null).run
    .figures.stepS;
  const compositions = scaled.map((m) =>
    composeMeasured(model, syncOf(m), m, calibration, jitter.tailFactors, lockstepS, full),
  );
  const classRatios = full
    ? classTimeRatios(model, scaled, calibration, fitted.fit.perUnitS)
    : model.classes.map(() => []);
  return { calibration, jitter, lockstepS, compositions, classRatios };
}

/** Rounds every measured policy completed (a device failure can leave the last one partial). */
export function completeRounds(measured: readonly Measured[]): number {
  return measured.length === 0 ? 0 : Math.min(...measured.map((m) => m.local.length));
}

/**
 * Paired round-bootstrap intervals of every figure of every measured policy (in `measured`
 * order): one resample of round indices serves all policies, lockstep included.
 */
export function measuredIntervals(inputs: FigureInputs, options: RoundBootstrapOptions): FigureIntervals[] {
  const k = CI_FIGURES.length;
  const flat = roundBootstrap(
    completeRounds(inputs.measured),
    (indices) => composeFigures(inputs, indices).compositions.flatMap((c) => CI_FIGURES.map((f) => c.run.figures[f])),
    options,
  );
  return inputs.measured.map((_, p) => {
    const at = (f: number): readonly [number, number] => flat[p * k + f] ?? [Number.NaN, Number.NaN];
    return { stepS: at(0), speedup: at(1), stragglerLoss: at(2), mfu: at(3), tokensPerS: at(4) };
  });
}

/** The widest speedup interval's half-width relative to its figure, over the policies besides lockstep. */
export function widestSpeedupHalfWidth(
  policies: readonly Measured[],
  figures: readonly MeasuredComposition[],
  intervals: readonly FigureIntervals[],
): number {
  let widest = 0;
  policies.forEach((m, i) => {
    if (m.policy === 'lockstep') return;
    const [lo, hi] = intervals[i]?.speedup ?? [Number.NaN, Number.NaN];
    const x = figures[i]?.run.figures.speedup ?? Number.NaN;
    const half = (hi - lo) / 2 / x;
    widest = Number.isFinite(half) ? Math.max(widest, half) : Number.POSITIVE_INFINITY;
  });
  return widest;
}
