import type { DeviceError } from '../errors.js';
import type { Gpu } from '../gpu/open.js';
import type { ClusterModel } from '../model/types.js';
import { getPolicy, lockstepAllocation, type PolicyContext, type PolicyName, stepSync } from '../policy/index.js';
import { classComputeS, perGpuBatch } from '../sim/compose.js';
import { type SimulationResult, simulate } from '../sim/simulate.js';
import { median } from '../stats/quantiles.js';
import { type Calibration, calibrate } from './calibrate.js';
import {
  composeMeasured,
  type JitterSource,
  type MeasuredJitter,
  measuredJitter,
  settleDilation,
} from './measured-compose.js';
import type { PolicyRun } from './policy-run.js';
import { type LocalSteps, type Measured, type ProgressEvent, runRounds, runSteps } from './rounds.js';
import type { UnitExecutor } from './unit-executor.js';

export type { JitterSource, MeasuredJitter } from './measured-compose.js';
export type { ProgressEvent } from './rounds.js';

export interface MeasuredRunOptions {
  readonly model: ClusterModel;
  readonly policies: readonly PolicyName[];
  readonly steps: number;
  readonly seed: number;
  /** Local GPU seconds a lockstep step should take (all classes in turn). */
  readonly stepBudgetS: number;
  /** Jitter of the slowest-of-n tail (default: the measured local noise). */
  readonly jitter?: JitterSource;
  /** Fewest units the slowest lockstep class runs (work granularity). */
  readonly minRefUnits?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Polled between the timed passes; true ends the rounds early, keeping finished steps (rounds.ts). */
  readonly shouldStop?: () => boolean;
}

export interface MeasuredRunResult {
  /** The run's time dilation, settled on the whole run; `timing` says how durations were taken. */
  readonly calibration: Calibration;
  readonly policies: readonly PolicyRun[];
  readonly jitter: MeasuredJitter;
  readonly prediction: SimulationResult;
  readonly adaptiveTrace: readonly number[] | null;
  /** Set when the device failed mid-run; `policies` then holds the ones that finished. */
  readonly failure: DeviceError | null;
}

/** Lockstep steps before the timed rounds (warm-up and proportional-measured's rates). */
export const PILOT_STEPS = 5;

/**
 * The straggler benchmark: every policy's split is executed on the local GPU, class by class,
 * with each class's work sized to its modelled compute time, timed with GPU timestamps; then
 * composed into cluster steps by the same composer the simulator uses. Three phases:
 *  1. calibrate (calibrate.ts): the time dilation, then a lockstep pilot that warms every
 *     shape up and measures each class's speed (proportional-measured's rates);
 *  2. rounds (rounds.ts): every policy's steps, interleaved;
 *  3. compose (measured-compose.ts): dilation settled on the whole run, the local noise, and
 *     each policy's steps and figures beside the model's prediction.
 */
export async function measuredRun(
  gpu: Gpu,
  executor: UnitExecutor,
  options: MeasuredRunOptions,
): Promise<MeasuredRunResult> {
  const { model, steps } = options;
  const source = options.jitter ?? 'measured';
  const lockAlloc = lockstepAllocation(model);
  const lockClassS = model.classes.map((c, i) => classComputeS(c, lockAlloc[i] ?? 0));

  // 1. Calibrate, then the pilot.
  options.onProgress?.({ phase: 'calibrate' });
  const calibration = await calibrate(gpu, executor, lockClassS, options.stepBudgetS, options.minRefUnits);
  const pilot = await runSteps(gpu, executor, calibration, model, lockAlloc, PILOT_STEPS);
  const measuredRates = ratesFrom(model, lockAlloc, pilot, calibration);
  const pilotRun: Measured = {
    policy: 'lockstep',
    adapts: false,
    allocations: pilot.map(() => lockAlloc),
    local: pilot,
  };

  // 2. Rounds. A learning partition sees cluster times: dilated, with the slowest-of-n tail (at
  // a given jitter, fixed; at the measured one, implied by the noise measured so far).
  const ctx: PolicyContext = { model, seed: options.seed, measuredSequencesPerS: measuredRates };
  const givenTails = source === 'measured' ? null : measuredJitter(model, [], calibration, source).tailFactors;
  const { measured, failure } = await runRounds(gpu, executor, calibration, {
    model,
    policies: options.policies,
    steps,
    ctx,
    observed: (local, sofar) => {
      const tails = givenTails ?? measuredJitter(model, [pilotRun, ...sofar], calibration, source).tailFactors;
      return local.map((t, i) => (t > 0 ? t * calibration.dilation * (tails[i] ?? 1) : 0));
    },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
  });

  // 3. Compose.
  const cal = settleDilation(calibration, lockClassS, [pilotRun, ...measured.filter((m) => m.policy === 'lockstep')]);
  const jitter = measuredJitter(model, measured, cal, source);
  const tails = jitter.tailFactors;
  const prediction = simulate(model, {
    policies: options.policies,
    steps,
    seed: options.seed,
    jitterCv: jitter.tailCv,
    measuredSequencesPerS: measuredRates,
  });
  const syncOf = (m: Measured) => stepSync(getPolicy(m.policy), model);
  // Every speedup's reference: lockstep's measured step (its pilot when lockstep was not asked for).
  const reference = measured.find((m) => m.policy === 'lockstep') ?? pilotRun;
  const lockMeasuredS = composeMeasured(model, syncOf(reference), reference, cal, tails, null).run.figures.stepS;
  const runs = measured.map((m): PolicyRun => {
    const composed = composeMeasured(model, syncOf(m), m, cal, tails, lockMeasuredS);
    // Fixed splits: the expected-value model. A learning one: the simulated run of the same
    // number of steps, whose first steps (from lockstep, still converging) count as they do here.
    const sim = prediction.policies.find((p) => p.policy === m.policy);
    const predicted = m.adapts ? sim?.figures : sim?.expected;
    return {
      policy: m.policy,
      allocation: m.allocations[m.allocations.length - 1] ?? [],
      measured: composed.run.figures,
      predicted: predicted ?? composed.run.figures,
      steps: composed.samples,
    };
  });
  const adaptive = runs.find((r) => r.policy === 'adaptive');
  return {
    calibration: cal,
    policies: runs,
    jitter,
    prediction,
    adaptiveTrace: adaptive ? adaptive.steps.map((s) => s.stepS) : null,
    failure,
  };
}

/** Sequences per second of one GPU of each class, from lockstep's measured times. */
function ratesFrom(model: ClusterModel, allocation: readonly number[], local: LocalSteps, cal: Calibration): number[] {
  return model.classes.map((c, i) => {
    const t = median(local.map((step) => step[i] ?? 0).filter((x) => x > 0)) * cal.dilation;
    const b = perGpuBatch(c, allocation[i] ?? 0);
    return t > 0 ? b / t : 0;
  });
}
