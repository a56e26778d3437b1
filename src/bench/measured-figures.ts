import type { Allocation, ClusterModel } from '../model/types.js';
import { barrierSync, getPolicy, isPolicyName, type PolicyName, stepSync } from '../policy/index.js';
import { classComputeS } from '../sim/compose.js';
import { deriveSeed, seededRng } from '../stats/rng.js';
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
import { steadyRounds } from './round-speed.js';
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
  /** The policy whose split came from the pilot's rates, and how (absent: no such policy). */
  readonly pilotSplit?: PilotSplit;
}

/**
 * proportional-measured's split is set once, from the pilot's rates: another run's pilot, with
 * its own noise, gives another split and so another real straggler loss (measured: the H100s'
 * share ranged 4.00M-4.30M over five 120 s runs, and one A/A pair of them differed 10.8% vs
 * 18.5% in loss, beyond intervals that covered only the rounds; docs/ci.md). So each bootstrap
 * resample also resamples the pilot's steps, re-derives the rates and the split, and re-times
 * the policy's measured passes for that split: each class's time scaled by its modelled compute
 * time at the new share over that at the old (the same per-class speed, another amount of
 * work). Its intervals then cover what a rerun would measure; its point figures are unchanged.
 */
export interface PilotSplit {
  readonly policy: PolicyName;
  /** The per-class rates from the pilot steps at these indices (with repeats). */
  readonly rates: (pilotSteps: readonly number[]) => readonly number[];
  /** The policy's split for given rates. */
  readonly allocate: (rates: readonly number[]) => Allocation;
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
  const raw = fitted.measured.map((m) => selectRounds(m, rounds));
  // Absolute figures at the median round's device speed (round-speed.ts): drift of a shared host
  // between rounds, or between the pilot and the rounds, does not read as a slower cluster.
  const steady = steadyRounds(model, fitted.pilot, raw, inputs.calibration, fitted.fit.perUnitS, inputs.workFactor);
  const scaled = steady.measured;
  const pilot = steady.pilot;
  const lockstep = scaled.find((m) => m.policy === 'lockstep');
  const settled = settleDilation(
    inputs.calibration,
    inputs.lockClassS,
    lockstep ? [pilot, lockstep] : [pilot],
    inputs.workFactor,
  );
  const calibration: SettledCalibration = { ...settled, fit: fitted.fit };
  // The local noise is the device's as measured, drift included (the quality verdict reads it).
  const jitter = measuredJitter(model, full || inputs.source === 'measured' ? raw : [], calibration, inputs.source);
  // A user's policy (policy/user-policy.ts) is static or adaptive, never islands: one barrier.
  const syncOf = (m: Measured) => (isPolicyName(m.policy) ? stepSync(getPolicy(m.policy), model) : barrierSync(model));
  const reference = lockstep ?? pilot;
  const lockstepS = composeMeasured(model, syncOf(reference), reference, calibration, jitter.tailFactors, null).run
    .figures.stepS;
  const compositions = scaled.map((m) =>
    composeMeasured(model, syncOf(m), m, calibration, jitter.tailFactors, lockstepS, full),
  );
  const classRatios = full
    ? classTimeRatios(model, raw, calibration, fitted.fit.perUnitS)
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
  const fitted = fitRun(inputs);
  const resplit = pilotResplit(inputs, fitted, options.seed);
  // roundBootstrap's first call is every round as measured: the figures themselves, on the run
  // as measured; each later call is a resample, on the pilot's re-split run.
  let point: readonly number[] | null = null;
  const flat = roundBootstrap(
    completeRounds(inputs.measured),
    (indices) => {
      const values = composeFigures(inputs, indices, point === null ? fitted : resplit()).compositions.flatMap((c) =>
        CI_FIGURES.map((f) => c.run.figures[f]),
      );
      point ??= values;
      return values;
    },
    options,
  );
  // An interval always holds its figure. A resample's re-split (PilotSplit) moves a policy off
  // the split it ran, which is seldom better for the run's own class speeds, so its draws can
  // sit on one side (measured: a 10.3% loss with a [10.4%, 30.2%] percentile interval).
  const held = (lo: number, hi: number, x: number | undefined): readonly [number, number] =>
    x !== undefined && Number.isFinite(x) && Number.isFinite(lo) && Number.isFinite(hi)
      ? [Math.min(lo, x), Math.max(hi, x)]
      : [lo, hi];
  return inputs.measured.map((_, p) => {
    const at = (f: number): readonly [number, number] => {
      const [lo, hi] = flat[p * k + f] ?? [Number.NaN, Number.NaN];
      return held(lo, hi, point?.[p * k + f]);
    };
    return { stepS: at(0), speedup: at(1), stragglerLoss: at(2), mfu: at(3), tokensPerS: at(4) };
  });
}

/**
 * The fitted run of one resample: the pilot-split policy re-timed for the split of a resample
 * of the pilot's steps (PilotSplit). Without such a policy, or with under two pilot steps, the
 * run as measured.
 */
function pilotResplit(inputs: FigureInputs, fitted: FittedRun, seed: number): () => FittedRun {
  const split = inputs.pilotSplit;
  const at = split ? inputs.measured.findIndex((m) => m.policy === split.policy) : -1;
  const n = inputs.pilot.local.length;
  if (split === undefined || at < 0 || n < 2) return () => fitted;
  const rng = seededRng(deriveSeed(seed, 0x9170));
  return () => {
    const steps = Array.from({ length: n }, () => Math.floor(rng.uniform() * n));
    const allocation = split.allocate(split.rates(steps));
    return {
      ...fitted,
      measured: fitted.measured.map((m, i) => (i === at ? retimed(inputs.model, m, allocation) : m)),
    };
  };
}

/** A policy's measured passes re-timed for another split: each class's time times its modelled compute ratio. */
export function retimed(model: ClusterModel, m: Measured, allocation: Allocation): Measured {
  return {
    ...m,
    allocations: m.allocations.map(() => allocation),
    local: m.local.map((step, s) =>
      step.map((t, i) => {
        const c = model.classes[i];
        const was = c ? classComputeS(c, m.allocations[s]?.[i] ?? 0) : 0;
        const now = c ? classComputeS(c, allocation[i] ?? 0) : 0;
        return was > 0 ? (t * now) / was : t;
      }),
    ),
  };
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
