import { DeviceError } from '../errors.js';
import type { Gpu } from '../gpu/open.js';
import { type PassEncoder, timePasses } from '../gpu/timer.js';
import type { Allocation, ClusterModel } from '../model/types.js';
import {
  createAdaptive,
  getPolicy,
  islandAllReduceS,
  lockstepAllocation,
  type PolicyContext,
  type PolicyName,
} from '../policy/index.js';
import {
  classComputeS,
  classMeanComputeS,
  composeIslands,
  exposedAllReduceS,
  figuresAt,
  perGpuBatch,
} from '../sim/compose.js';
import type { PolicyFigures, StepSample } from '../sim/figures.js';
import { parametricJitter, tailFactor } from '../sim/order-stats.js';
import { type SimulationResult, simulate } from '../sim/simulate.js';
import { median } from '../stats/quantiles.js';
import { type Calibration, calibrate } from './calibrate.js';
import type { PolicyRun } from './policy-run.js';
import type { UnitExecutor } from './unit-executor.js';

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
}

export interface ProgressEvent {
  readonly phase: 'calibrate' | 'policy';
  readonly policy?: PolicyName;
  readonly policyIndex?: number;
  readonly policies?: number;
  readonly step?: number;
  readonly steps?: number;
}

/**
 * The jitter behind the slowest-of-n tail: the local device's measured step-to-step noise,
 * or a cluster jitter CV given by the caller (see `--jitter` in src/cli/run.ts).
 */
export type JitterSource = 'measured' | { readonly cv: number };

/** What the measured run found out about the local device's noise, and the tail it used. */
export interface MeasuredJitter {
  /** Robust CV (1.4826 * MAD) of every class's per-step ratios, each series normalised to its median. */
  readonly cv: number;
  readonly samples: number;
  /** Where the tail's CV came from, and its value. */
  readonly source: 'measured' | 'given';
  readonly tailCv: number;
  /** The expected slowest-of-n factor per class at tailCv (lognormal), applied to measured times. */
  readonly tailFactors: readonly number[];
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

/** Local per-step GPU seconds of each class (0 where the class had no work). */
type LocalSteps = number[][];

interface Measured {
  readonly policy: PolicyName;
  readonly kind: 'static' | 'adaptive' | 'islands';
  /** Allocation per step (static policies repeat one). */
  readonly allocations: Allocation[];
  readonly local: LocalSteps;
}

/**
 * The straggler benchmark: every policy's split is executed on the local GPU, class by class,
 * with each class's work sized to its modelled compute time (calibrate.ts), timed with GPU
 * timestamps; then composed into cluster steps by the same definitions the simulator uses.
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
  options.onProgress?.({ phase: 'calibrate' });
  const calibration = await calibrate(gpu, executor, lockClassS, options.stepBudgetS, options.minRefUnits);

  // A pilot of lockstep steps: warms every shape up, and gives proportional-measured the
  // measured speed of each class before any policy's timed steps.
  const pilot = await runStep(gpu, executor, calibration, model, lockAlloc, PILOT_STEPS);
  const measuredRates = ratesFrom(model, lockAlloc, pilot, calibration);
  const pilotRun: Measured = {
    policy: 'lockstep',
    kind: 'static',
    allocations: pilot.map(() => lockAlloc),
    local: pilot,
  };

  const ordered = [...new Set(options.policies)];
  const ctx: PolicyContext = { model, seed: options.seed, measuredSequencesPerS: measuredRates };
  const states = ordered.map((name) => {
    const policy = getPolicy(name);
    const m: Measured & { allocations: Allocation[]; local: LocalSteps } = {
      policy: name,
      kind: policy.kind,
      allocations: [],
      local: [],
    };
    return {
      m,
      controller: policy.kind === 'adaptive' ? createAdaptive(ctx) : null,
      allocation: policy.kind === 'adaptive' ? null : policy.allocate(ctx),
    };
  });

  // Rounds: step s of every policy, then step s + 1. Interleaving spreads any drift of the
  // local device's speed (clock, other load) over all policies alike instead of biasing
  // whichever ran last. A failure keeps every step that finished.
  const givenTails = source === 'measured' ? null : measuredJitter(model, [], calibration, source).tailFactors;
  let failure: DeviceError | null = null;
  try {
    for (let s = 0; s < steps; s++) {
      for (const [index, run] of states.entries()) {
        options.onProgress?.({
          phase: 'policy',
          policy: run.m.policy,
          policyIndex: index,
          policies: states.length,
          step: s,
          steps,
        });
        const allocation = run.controller ? run.controller.allocation : (run.allocation ?? lockAlloc);
        const [times = []] = await runStep(gpu, executor, calibration, model, allocation, 1);
        run.m.allocations.push(allocation);
        run.m.local.push(times);
        if (run.controller) {
          // The controller sees cluster times: dilated, with the slowest-of-n tail (at a given
          // jitter, fixed; at the measured one, implied by the noise measured so far).
          const tails =
            givenTails ?? measuredJitter(model, [pilotRun, ...states.map((r) => r.m)], calibration, source).tailFactors;
          run.controller.observe(times.map((t, i) => (t > 0 ? t * calibration.dilation * (tails[i] ?? 1) : 0)));
        }
      }
    }
  } catch (err) {
    if (!(err instanceof DeviceError)) throw err;
    failure = err;
  }
  const measured = states.map((r) => r.m).filter((m) => m.local.length > 0);
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
  // Every speedup's numerator: lockstep's measured step (its pilot when lockstep was not asked for).
  const lockMeasuredS = composeAll(
    model,
    measured.find((m) => m.policy === 'lockstep') ?? pilotRun,
    cal,
    tails,
  ).meanStepS;
  const runs = measured.map((m): PolicyRun => {
    const composed = composeAll(model, m, cal, tails);
    // Static splits: the expected-value model. Adaptive: the simulated run of the same number
    // of steps, whose first steps (from lockstep, still converging) count as they do here.
    const sim = prediction.policies.find((p) => p.policy === m.policy);
    const predicted = m.kind === 'adaptive' ? sim?.figures : sim?.expected;
    return {
      policy: m.policy,
      allocation: m.allocations[m.allocations.length - 1] ?? [],
      measured: { ...composed.figures, speedup: lockMeasuredS / composed.meanStepS },
      predicted: predicted ?? composed.figures,
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

/** Lockstep steps before the timed rounds (warm-up and proportional-measured's rates). */
export const PILOT_STEPS = 5;

function unitsFor(cal: Calibration, model: ClusterModel, allocation: Allocation): number[] {
  return model.classes.map((c, i) => classComputeS(c, allocation[i] ?? 0) * cal.unitsPerClusterS);
}

/** Runs `steps` steps of one allocation: one timed pass per class with work, in class order. */
async function runStep(
  gpu: Gpu,
  executor: UnitExecutor,
  cal: Calibration,
  model: ClusterModel,
  allocation: Allocation,
  steps: number,
): Promise<LocalSteps> {
  const work = unitsFor(cal, model, allocation).map((u) => (u > 0 ? executor.work(u) : null));
  const passes: PassEncoder[] = [];
  for (let t = 0; t < steps; t++) for (const w of work) if (w) passes.push(w);
  const times = await timePasses(gpu, passes);
  const local: LocalSteps = [];
  let p = 0;
  for (let t = 0; t < steps; t++) local.push(work.map((w) => (w ? (times.seconds[p++] ?? Number.NaN) : 0)));
  return local;
}

/**
 * The dilation that composes the run: the calibration's 5 timings of the reference work are
 * one moment of a device whose speed drifts (clocks, host load), so once the run is done D is
 * re-taken from every timing of that same work in it: lockstep's slowest class, in the pilot
 * and in lockstep's interleaved steps. Step times then reflect the run, not its first second.
 */
function settleDilation(
  cal: Calibration,
  lockClassS: readonly number[],
  lockstepRuns: readonly Measured[],
): Calibration {
  const ref = lockClassS.indexOf(Math.max(...lockClassS));
  const local = lockstepRuns
    .flatMap((m) => m.local.map((step) => step[ref] ?? 0))
    .filter((x) => x > 0 && Number.isFinite(x));
  if (local.length === 0) return cal;
  const refLocalS = median(local);
  return { ...cal, refLocalS, dilation: cal.refClusterS / refLocalS };
}

/** Sequences per second of one GPU of each class, from lockstep's measured times. */
function ratesFrom(model: ClusterModel, allocation: Allocation, local: LocalSteps, cal: Calibration): number[] {
  return model.classes.map((c, i) => {
    const t = median(local.map((step) => step[i] ?? 0).filter((x) => x > 0)) * cal.dilation;
    const b = perGpuBatch(c, allocation[i] ?? 0);
    return t > 0 ? b / t : 0;
  });
}

/**
 * Measured over modelled compute time of each class at each step: D * local / t_g(b) (NaN where
 * the class had no work). Dimensionless, so it is comparable across steps whose allocation
 * differs (adaptive), and its median per class is how fast the local kernels ran that class's
 * work relative to the model.
 */
function ratios(model: ClusterModel, m: Measured, cal: Calibration): number[][] {
  return m.local.map((step, s) =>
    step.map((local, i) => {
      const c = model.classes[i];
      const modelS = c ? classComputeS(c, m.allocations[s]?.[i] ?? 0) : 0;
      return local > 0 && modelS > 0 ? (local * cal.dilation) / modelS : Number.NaN;
    }),
  );
}

function classMedians(r: readonly (readonly number[])[], classes: number): number[] {
  return Array.from({ length: classes }, (_, i) =>
    median(r.map((step) => step[i] ?? Number.NaN).filter(Number.isFinite)),
  );
}

/** Pools every class's per-step ratios (each series normalised to its median) into one noise estimate. */
export function measuredJitter(
  model: ClusterModel,
  measured: readonly Measured[],
  cal: Calibration,
  source: JitterSource,
): MeasuredJitter {
  const pooled: number[] = [];
  for (const m of measured) {
    const r = ratios(model, m, cal);
    const mid = classMedians(r, model.classes.length);
    for (let i = 0; i < model.classes.length; i++) {
      const series = r.map((step) => step[i] ?? Number.NaN).filter(Number.isFinite);
      const c = mid[i] ?? Number.NaN;
      if (series.length < 2 || !(c > 0)) continue;
      for (const x of series) pooled.push(x / c);
    }
  }
  const cv = pooled.length >= 4 ? 1.4826 * median(pooled.map((x) => Math.abs(x - 1))) : 0;
  const tailCv = source === 'measured' ? cv : source.cv;
  const jitter = parametricJitter(tailCv);
  return {
    cv,
    samples: pooled.length,
    source: source === 'measured' ? 'measured' : 'given',
    tailCv,
    tailFactors: model.classes.map((c) => tailFactor(c.count, jitter)),
  };
}

interface Composed {
  readonly meanStepS: number;
  readonly figures: PolicyFigures;
  readonly samples: StepSample[];
}

/**
 * Cluster steps from local times. A class's slowest GPU computes ratio * t_g(b) * tail (the
 * expected slowest of its n GPUs at the measured jitter), its mean GPU ratio * mean_g(b).
 *
 * Per-step samples use that step's ratio, so they carry the local noise that `compare` tests.
 * The summary figures use each class's median ratio: in a cluster the slowest of n GPUs
 * concentrates at its expectation (the tail), so one local draw's deviation must not be added
 * on top of the tail, nor inflate the maximum over classes.
 */
function composeAll(model: ClusterModel, m: Measured, cal: Calibration, tails: readonly number[]): Composed {
  const comm = exposedAllReduceS(model);
  const islandComm = m.kind === 'islands' ? islandAllReduceS(model) : null;
  const r = ratios(model, m, cal);
  const typical = classMedians(r, model.classes.length);
  const compose = (allocation: Allocation, ratio: readonly number[]) => {
    const slowest = model.classes.map((c, i) => {
      const x = ratio[i] ?? Number.NaN;
      return Number.isFinite(x) ? x * classComputeS(c, allocation[i] ?? 0) * (tails[i] ?? 1) : 0;
    });
    const mean = model.classes.map((c, i) => {
      const x = ratio[i] ?? Number.NaN;
      return Number.isFinite(x) ? x * classMeanComputeS(c, allocation[i] ?? 0) : 0;
    });
    if (islandComm) {
      const isl = composeIslands(model, allocation, slowest, islandComm, mean);
      return { stepS: isl.stepS, slowest, mean, stragglerLoss: isl.stragglerLoss, mfu: isl.mfu };
    }
    const stepS = Math.max(0, ...slowest) + comm;
    const f = figuresAt(model, allocation, stepS, mean, Number.NaN);
    return { stepS, slowest, mean, stragglerLoss: f.stragglerLoss, mfu: f.mfu };
  };

  const samples: StepSample[] = r.map((ratio, s) => {
    const c = compose(m.allocations[s] ?? [], ratio);
    return {
      stepS: c.stepS,
      classComputeS: c.slowest,
      allReduceS: islandComm ? 0 : comm,
      stragglerLoss: c.stragglerLoss,
      mfu: c.mfu,
    };
  });
  const summary = m.allocations.map((allocation) => compose(allocation, typical));
  const n = Math.max(1, summary.length);
  const avg = (pick: (x: (typeof summary)[number]) => readonly number[]): number[] =>
    model.classes.map((_, i) => summary.reduce((acc, x) => acc + (pick(x)[i] ?? 0), 0) / n);
  const lastAlloc = m.allocations[m.allocations.length - 1] ?? [];
  if (islandComm) {
    // Islands have no common step: their figures come from each island's own mean step.
    const isl = composeIslands(
      model,
      lastAlloc,
      avg((x) => x.slowest),
      islandComm,
      avg((x) => x.mean),
    );
    return {
      meanStepS: isl.stepS,
      figures: {
        stepS: isl.stepS,
        busy: isl.busy,
        stragglerLoss: isl.stragglerLoss,
        tokensPerS: isl.tokensPerS,
        mfu: isl.mfu,
        speedup: Number.NaN,
      },
      samples,
    };
  }
  // Run totals (sequences over time, busy GPU-time over GPU-time), as the simulator reports.
  const meanStepS = summary.reduce((acc, x) => acc + x.stepS, 0) / n;
  const figures = figuresAt(
    model,
    lastAlloc,
    meanStepS,
    avg((x) => x.mean),
    Number.NaN,
  );
  const meanSeq = m.allocations.reduce((acc, a) => acc + a.reduce((x, y) => x + y, 0), 0) / n;
  const scale =
    meanSeq /
    Math.max(
      1,
      lastAlloc.reduce((a, b) => a + b, 0),
    );
  return {
    meanStepS,
    figures: { ...figures, tokensPerS: figures.tokensPerS * scale, mfu: figures.mfu * scale },
    samples,
  };
}
