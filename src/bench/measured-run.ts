import { type DeviceError, UsageError } from '../errors.js';
import type { Gpu } from '../gpu/open.js';
import type { ClusterModel } from '../model/types.js';
import { lockstepAllocation, type PolicyContext, type PolicyRef, policyNameOf } from '../policy/index.js';
import { proportionalMeasured } from '../policy/proportional-measured.js';
import { classComputeS, perGpuBatch } from '../sim/compose.js';
import type { HybridJob } from '../sim/hybrid-model.js';
import { type SimulationResult, simulate } from '../sim/simulate.js';
import type { StageModel } from '../sim/stage-jitter.js';
import { median } from '../stats/quantiles.js';
import { deriveSeed } from '../stats/rng.js';
import { calibrate } from './calibrate.js';
import { budgetCheck, type ClassResolution, widestClassRatioHalfWidth } from './class-resolution.js';
import { fitLocalTime, type LocalTimeModel, workScaled } from './local-fit.js';
import { classTimeRatios, type JitterSource, type MeasuredJitter, measuredJitter } from './measured-compose.js';
import {
  type ComposedFigures,
  composeFigures,
  type FigureInputs,
  measuredIntervals,
  type PilotSplit,
  type SettledCalibration,
  widestSpeedupHalfWidth,
} from './measured-figures.js';
import type { PolicyRun, StageSamples } from './policy-run.js';
import { type ClassOrder, type Measured, type ProgressEvent, runRounds, runSteps, type StopReason } from './rounds.js';
import { type StageLocal, type StageUnits, stageCalibration } from './stage-units.js';
import type { UnitExecutor } from './unit-executor.js';
import type { WorkFactor } from './work-factor.js';

export type { LocalTimeFit, LocalTimeModel } from './local-fit.js';
export type { JitterSource, MeasuredJitter } from './measured-compose.js';
export type { CiFigure, FigureIntervals, SettledCalibration } from './measured-figures.js';
export type { MeasuredFigures } from './policy-run.js';
export type { ClassOrder, ProgressEvent, StopReason } from './rounds.js';
export type { WorkFactor } from './work-factor.js';

export interface MeasuredRunOptions {
  readonly model: ClusterModel;
  /** Built-ins by name, or policy objects (a user's module). */
  readonly policies: readonly PolicyRef[];
  /** Rounds (steps per policy) the run always measures: the minimum when it continues to a target. */
  readonly steps: number;
  readonly seed: number;
  /** Local GPU seconds a lockstep step should take (all classes in turn). */
  readonly stepBudgetS: number;
  /** Jitter of the slowest-of-n tail (default: the measured local noise). */
  readonly jitter?: JitterSource;
  /** Fewest units the slowest lockstep class runs (work granularity). */
  readonly minRefUnits?: number;
  /**
   * Continue rounds past `steps` until every speedup's 95% interval has at most this half-width
   * relative to the speedup (e.g. 0.02), within `maxTimeS` and `maxRounds`. Unset: no target.
   */
  readonly targetCi?: number;
  /** Wall seconds the whole measured run may take: no round past `steps` starts that would end later. */
  readonly maxTimeS?: number;
  /** Past `maxTimeS`, go on while a generation's compute ratio is unresolved (class-resolution.ts); unset: never. */
  readonly resolveClasses?: ClassResolution;
  /** Most rounds (default: `steps` without a target or time budget, else ADAPTIVE_MAX_ROUNDS). */
  readonly maxRounds?: number;
  /** Pass order within a step (default 'rotating'). */
  readonly classOrder?: ClassOrder;
  /** 'fit' (default): local times are fitted against units and corrected (local-fit.ts); 'raw': as measured. */
  readonly localTime?: LocalTimeModel;
  /** Lockstep pilot steps before the rounds (default PILOT_STEPS). */
  readonly pilotSteps?: number;
  /** Bootstrap resamples behind the reported intervals (default CI_RESAMPLES). */
  readonly ciResamples?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Polled between the timed passes; true ends the rounds early, keeping finished steps (rounds.ts). */
  readonly shouldStop?: () => boolean;
  /**
   * A fail-slow what-if: per-class multiplier of the local work (pilot and rounds, never the
   * calibration's reference work). The model is not told (work-factor.ts).
   */
  readonly workFactor?: WorkFactor;
  /**
   * A hybrid job's stage units (stage-units.ts): every class's step runs as its pipeline stages'
   * forward and backward passes, composed by the schedule simulator. Local times are then taken
   * raw (each pass's rounding is removed where it runs), and the prediction draws jitter per stage.
   */
  readonly stageUnits?: StageUnits;
  /** The hybrid job behind `model` (with stageUnits): the prediction then splits lockstep's loss in 3D. */
  readonly hybrid?: HybridJob;
}

/** How the rounds ended and how many ran. */
export interface RunStop {
  readonly reason: StopReason;
  readonly rounds: number;
  /** Wall seconds of the whole measured run (calibration, pilot, rounds). */
  readonly wallS: number;
  /** The widest speedup interval's relative half-width at the end (0 with lockstep alone). */
  readonly widestHalfWidth: number;
  /** Seconds the run went on past its budget to resolve the class compute ratios (resolveClasses; 0: none). */
  readonly extendedS: number;
}

export interface MeasuredRunResult {
  /** The run's time dilation, settled on the whole run, and its local-time fit; `timing` says how durations were taken. */
  readonly calibration: SettledCalibration;
  readonly policies: readonly PolicyRun[];
  readonly jitter: MeasuredJitter;
  readonly prediction: SimulationResult;
  readonly adaptiveTrace: readonly number[] | null;
  /**
   * Per class (model.classes order), its measured over modelled compute time at every measured
   * step of every policy (measured-compose.ts classTimeRatios): how each generation's work ran
   * against the rest of the device.
   */
  readonly classRatios: readonly (readonly number[])[];
  readonly stop: RunStop;
  /** Set when the device failed mid-run; `policies` then holds the ones that finished. */
  readonly failure: DeviceError | null;
}

/** Lockstep steps before the timed rounds (warm-up and proportional-measured's rates). */
export const PILOT_STEPS = 8;
/**
 * Resamples behind the reported intervals. Each recomposes every policy's figures (a few ms for
 * six policies on this project's 2-core machines), so 500 keep the intervals to about 3 s of a
 * default run; the endpoints' Monte Carlo error is then about a tenth of the interval's width.
 */
export const CI_RESAMPLES = 500;
/** Resamples of the stopping check (a quick look; the report uses CI_RESAMPLES). */
export const CHECK_RESAMPLES = 200;
export const ADAPTIVE_MAX_ROUNDS = 256;
/**
 * Rounds a time budget always allows (the `--quick` minimum): below them the intervals rest on
 * too few resamples to say anything (the quality verdict's floor is 4).
 */
export const BUDGET_FLOOR_ROUNDS = 8;
/**
 * What the CLI's defaults should be (measured on a 2-core software adapter, docs/measured.md):
 * a 2% target within a budget that keeps a default run, set-up included, under a minute.
 */
export const ADAPTIVE_DEFAULTS = {
  // Past 40 s a default run goes on, up to 120 s, while a generation's compute ratio interval is
  // wider than +-2.5%: a busy host's runs then resolve a 10% fail-slow generation (class-resolution.ts).
  full: { targetCi: 0.02, maxTimeS: 40, resolveClasses: { halfWidth: 0.025, maxTimeS: 120 } },
  quick: { targetCi: 0.05, maxTimeS: 15 },
} as const;

/**
 * The straggler benchmark: every policy's split is executed on the local GPU, class by class,
 * with each class's work sized to its modelled compute time, timed with GPU timestamps; then
 * composed into cluster steps by the same composer the simulator uses. Three phases:
 *  1. calibrate (calibrate.ts): the time dilation, then a lockstep pilot that warms every
 *     shape up and measures each class's speed (proportional-measured's rates);
 *  2. rounds (rounds.ts): every policy's steps, interleaved, until the minimum is done and then
 *     until the intervals are tight, the time is spent or the round limit is reached;
 *  3. compose (measured-figures.ts): local-time fit, dilation settled on the whole run, the
 *     local noise, each policy's figures beside the model's prediction, and their intervals.
 */
export async function measuredRun(
  gpu: Gpu,
  executor: UnitExecutor,
  options: MeasuredRunOptions,
): Promise<MeasuredRunResult> {
  checkStopOptions(options);
  const started = performance.now();
  const elapsedS = () => (performance.now() - started) / 1000;
  const { model, steps } = options;
  const source = options.jitter ?? 'measured';
  const stageUnits = options.stageUnits;
  const localTime = stageUnits ? 'raw' : (options.localTime ?? 'fit');
  const lockAlloc = lockstepAllocation(model);
  const lockClassS = model.classes.map((c, i) => classComputeS(c, lockAlloc[i] ?? 0));

  // 1. Calibrate, then the pilot.
  options.onProgress?.({ phase: 'calibrate' });
  const unitCalibration = await calibrate(gpu, executor, lockClassS, options.stepBudgetS, options.minRefUnits);
  const calibration = stageUnits ? stageCalibration(unitCalibration, stageUnits, model, lockAlloc) : unitCalibration;
  const rotate = options.classOrder !== 'fixed';
  const pilot = await runSteps(
    gpu,
    executor,
    calibration,
    model,
    lockAlloc,
    options.pilotSteps ?? PILOT_STEPS,
    0,
    rotate,
    options.workFactor,
    stageUnits,
  );
  const pilotRun: Measured = {
    policy: 'lockstep',
    adapts: false,
    allocations: pilot.map(() => lockAlloc),
    local: pilot,
  };
  const measuredRates = ratesFrom(model, lockAlloc, pilotRun, calibration, localTime, options.workFactor);

  // 2. Rounds. A learning partition sees cluster times: dilated, with the slowest-of-n tail (at
  // a given jitter, fixed; at the measured one, implied by the noise measured so far).
  const ctx: PolicyContext = { model, seed: options.seed, measuredSequencesPerS: measuredRates };
  const givenTails = source === 'measured' ? null : measuredJitter(model, [], calibration, source).tailFactors;
  // proportional-measured's split comes from the pilot: its intervals carry the pilot's noise too.
  const pilotSplit: PilotSplit | undefined = options.policies.some((p) => policyNameOf(p) === 'proportional-measured')
    ? {
        policy: 'proportional-measured',
        rates: (steps) =>
          ratesFrom(
            model,
            lockAlloc,
            { ...pilotRun, allocations: steps.map(() => lockAlloc), local: steps.map((i) => pilotRun.local[i] ?? []) },
            calibration,
            localTime,
            options.workFactor,
          ),
        allocate: (rates) => proportionalMeasured.allocate({ ...ctx, measuredSequencesPerS: rates }),
      }
    : undefined;
  const inputsOf = (measured: readonly Measured[]): FigureInputs => ({
    model,
    source,
    calibration,
    lockClassS,
    pilot: pilotRun,
    measured,
    localTime,
    ...(options.workFactor ? { workFactor: options.workFactor } : {}),
    ...(pilotSplit ? { pilotSplit } : {}),
  });
  const adaptive = options.targetCi !== undefined || options.maxTimeS !== undefined;
  const maxRounds = options.maxRounds ?? (adaptive ? ADAPTIVE_MAX_ROUNDS : steps);
  const roundsStartS = elapsedS();
  const checkEvery = Math.max(1, Math.round(steps / 4));
  let extendedFromS: number | null = null;
  const rounds = await runRounds(gpu, executor, calibration, {
    model,
    policies: options.policies,
    steps,
    maxRounds,
    ...(options.classOrder ? { classOrder: options.classOrder } : {}),
    // The budget bounds the whole run, the minimum included, once BUDGET_FLOOR_ROUNDS are in:
    // on a host slowed by other work the minimum alone could outrun it (npm start's minute).
    ...(options.maxTimeS === undefined ? {} : { firstCheck: Math.min(steps, BUDGET_FLOOR_ROUNDS) }),
    next: (done, sofar) => {
      const perRoundS = (elapsedS() - roundsStartS) / done;
      const budget = budgetCheck(elapsedS(), perRoundS, options.maxTimeS, options.resolveClasses, () =>
        widestClassRatioHalfWidth(inputsOf(sofar)),
      );
      if (budget === 'stop') return 'time';
      if (budget === 'extend') extendedFromS ??= options.maxTimeS ?? null;
      if (done < steps) return 'continue';
      // The check costs about a round's worth of CPU with six policies: every few rounds.
      if (options.targetCi === undefined || (done - steps) % checkEvery !== 0) return 'continue';
      return widestHalfWidth(inputsOf(sofar), CHECK_RESAMPLES, options.seed) <= options.targetCi
        ? 'target'
        : 'continue';
    },
    ctx,
    observed: (local, sofar) => {
      const tails = givenTails ?? measuredJitter(model, [pilotRun, ...sofar], calibration, source).tailFactors;
      return local.map((t, i) => (t > 0 ? t * calibration.dilation * (tails[i] ?? 1) : 0));
    },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
    ...(options.workFactor ? { workFactor: options.workFactor } : {}),
    ...(stageUnits ? { stageUnits } : {}),
  });
  const { measured, failure } = rounds;

  // 3. Compose, and the intervals.
  const inputs = inputsOf(measured);
  const figures = composeFigures(inputs, null);
  const intervals = measuredIntervals(inputs, {
    resamples: options.ciResamples ?? CI_RESAMPLES,
    confidence: 0.95,
    seed: deriveSeed(options.seed, 0x0c1),
  });
  const prediction = simulate(model, {
    policies: options.policies,
    // As many steps as the rounds ran (the requested minimum when a failure cut them short).
    steps: Math.max(steps, rounds.rounds),
    seed: options.seed,
    jitterCv: figures.jitter.tailCv,
    // A fleet's samples keep their shape in the prediction's tail too, as in simulate --fleet.
    ...(typeof source === 'object' && 'samples' in source ? { jitterSamples: source.samples } : {}),
    measuredSequencesPerS: measuredRates,
    ...(stageUnits ? { stages: stageUnits.stages } : {}),
    ...(options.hybrid ? { hybrid: options.hybrid } : {}),
    // The measured adaptive learned from this device's noise (its observations are local times),
    // not from the cluster's 2%: its prediction learns from as noisy a view (docs/measured.md 3, prediction).
    observationCv: figures.jitter.cv,
  });
  const runs = measured.map((m, i): PolicyRun => {
    const composed = figures.compositions[i];
    if (!composed || !intervals[i]) throw new Error(`internal: no composition for ${m.policy}`);
    // Fixed splits: the expected-value model. A learning one: the simulated run of the same
    // number of steps, whose first steps (from lockstep, still converging) count as they do here.
    const sim = prediction.policies.find((p) => p.policy === m.policy);
    const predicted = m.adapts ? sim?.figures : sim?.expected;
    return {
      policy: m.policy,
      allocation: m.allocations[m.allocations.length - 1] ?? [],
      measured: {
        ...composed.run.figures,
        ci: intervals[i],
        ...(m.stageLocal && stageUnits
          ? {
              stages: stageSamples(
                m.stageLocal,
                stageUnits.stages,
                model,
                m.allocations[m.allocations.length - 1] ?? [],
                figures.calibration.dilation,
              ),
            }
          : {}),
      },
      predicted: predicted ?? composed.run.figures,
      steps: composed.samples,
    };
  });
  const adaptiveRun = runs.find((r) => r.policy === 'adaptive');
  return {
    calibration: figures.calibration,
    policies: runs,
    jitter: figures.jitter,
    prediction,
    adaptiveTrace: adaptiveRun ? adaptiveRun.steps.map((s) => s.stepS) : null,
    classRatios: figures.classRatios,
    stop: {
      reason: rounds.stop,
      rounds: rounds.rounds,
      wallS: elapsedS(),
      widestHalfWidth: widestSpeedupHalfWidth(measured, figures.compositions, intervals),
      extendedS: extendedFromS === null ? 0 : Math.max(0, elapsedS() - extendedFromS),
    },
    failure,
  };
}

/** Per class and virtual stage, the steps' measured forward and backward seconds (cluster: local x dilation). */
function stageSamples(
  steps: readonly (StageLocal | null)[][],
  stages: StageModel,
  model: ClusterModel,
  allocation: readonly number[],
  dilation: number,
): StageSamples[][] {
  return model.classes.map((c, i) => {
    const b = perGpuBatch(c, allocation[i] ?? 0);
    const input = b > 0 ? stages.classes[i]?.at(b).input : undefined;
    const ranks = input?.forwardS.length ?? steps.find((s) => s[i])?.[i]?.forwardS.length ?? 0;
    const of = (pick: (x: StageLocal) => readonly number[], s: number): number[] =>
      steps.flatMap((step) => {
        const x = step[i];
        return x ? [(pick(x)[s] ?? Number.NaN) * dilation] : [];
      });
    return Array.from({ length: ranks }, (_, s) => ({
      forwardS: of((x) => x.forwardS, s),
      backwardS: of((x) => x.backwardS, s),
      modelForwardS: input?.forwardS[s] ?? 0,
      modelBackwardS: input?.backwardS[s] ?? 0,
    }));
  });
}

/** The stopping options a caller may get wrong; errors name the option (the CLI maps them to flags). */
export function checkStopOptions(options: Pick<MeasuredRunOptions, 'targetCi' | 'maxTimeS' | 'maxRounds'>): void {
  const { targetCi, maxTimeS, maxRounds } = options;
  if (targetCi !== undefined && !(Number.isFinite(targetCi) && targetCi > 0 && targetCi < 1))
    throw new UsageError('targetCi', targetCi, 'must be a relative half-width between 0 and 1, e.g. 0.02 for +-2%.');
  if (maxTimeS !== undefined && !(Number.isFinite(maxTimeS) && maxTimeS > 0))
    throw new UsageError('maxTimeS', maxTimeS, 'must be a number of seconds greater than 0, e.g. 40.');
  if (maxRounds !== undefined && !(Number.isInteger(maxRounds) && maxRounds >= 1))
    throw new UsageError('maxRounds', maxRounds, 'must be a whole number of rounds, at least 1.');
}

function widestHalfWidth(withPilot: FigureInputs, resamples: number, seed: number): number {
  // The rounds' part of the intervals only: more rounds cannot narrow the pilot's (PilotSplit),
  // so it must not keep a run going that has reached its target on everything rounds can tell.
  const { pilotSplit: _pilot, ...inputs } = withPilot;
  const figures: ComposedFigures = composeFigures(inputs, null);
  const intervals = measuredIntervals(inputs, { resamples, confidence: 0.95, seed: deriveSeed(seed, 0x0c2) });
  return widestSpeedupHalfWidth(inputs.measured, figures.compositions, intervals);
}

/**
 * Sequences per second of one GPU of each class, from the pilot's measured times: each class's
 * median over the pilot steps, with the local-time fit's artifacts (fixed cost, rounding to
 * whole units) removed from them as from the rounds' times.
 */
function ratesFrom(
  model: ClusterModel,
  allocation: readonly number[],
  pilot: Measured,
  cal: import('./calibrate.js').Calibration,
  localTime: LocalTimeModel,
  workFactor: WorkFactor | undefined,
): number[] {
  const fit = fitLocalTime(model, cal, [pilot], localTime, workFactor);
  const scaled = workScaled(model, cal, fit, pilot, workFactor);
  // Relative speeds from the classes' paired ratios (each class over the others of the same
  // pilot step, classTimeRatios): proportional-measured only needs the classes' speeds relative
  // to each other, and a burst of host load during part of the pilot moved whole classes'
  // medians (one of ten default runs gave proportional-measured 2.5x its usual loss, an A/A
  // false alarm), where in the paired ratio it cancels. One class: its pilot median as before.
  const paired = classTimeRatios(model, [scaled], cal, fit.perUnitS);
  return model.classes.map((c, i) => {
    const b = perGpuBatch(c, allocation[i] ?? 0);
    const rho = paired[i] && paired[i].length > 0 ? median(paired[i]) : Number.NaN;
    const t = Number.isFinite(rho)
      ? classComputeS(c, allocation[i] ?? 0) * rho
      : median(scaled.local.map((step) => step[i] ?? 0).filter((x) => x > 0)) * cal.dilation;
    return t > 0 ? b / t : 0;
  });
}
