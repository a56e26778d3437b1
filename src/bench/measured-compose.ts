import type { Allocation, ClusterModel } from '../model/types.js';
import type { StepSync } from '../policy/sync.js';
import {
  classComputeS,
  classMeanComputeS,
  composeRun,
  composeStep,
  type RunComposition,
  type StepInput,
} from '../sim/compose.js';
import type { StepSample } from '../sim/figures.js';
import { type JitterModel, jitterCv, parametricJitter, tailFactor } from '../sim/order-stats.js';
import { bootstrapMedian } from '../stats/bootstrap.js';
import { median } from '../stats/quantiles.js';
import type { Calibration } from './calibrate.js';
import type { Measured } from './rounds.js';
import { factorOf, type WorkFactor } from './work-factor.js';

/**
 * Phase 3 of the measured run: from local GPU seconds to cluster steps, by the same composer
 * the simulator uses (sim/compose.ts). Nothing here defines a step or a figure.
 */

/**
 * Where the slowest-of-n tail's jitter comes from: the local device's measured step-to-step
 * noise, a cluster CV given by the caller (lognormal; `--jitter` in src/cli/run.ts), or a fleet
 * file's empirical samples (`run --fleet FILE`: the per-step noise measured on the fleet's
 * nodes, docs/fleet.md), whose shape the tail then keeps.
 */
export type JitterSource =
  | 'measured'
  | { readonly cv: number }
  | { readonly samples: readonly number[]; readonly from: 'fleet' };

/** What the measured run found out about the local device's noise, and the tail it used. */
export interface MeasuredJitter {
  /** Robust CV (1.4826 * MAD) of every class's per-step ratios, each series normalised to its median. */
  readonly cv: number;
  readonly samples: number;
  /** Where the tail's jitter came from, and its CV (for a fleet's samples: their CV). */
  readonly source: 'measured' | 'given' | 'fleet';
  readonly tailCv: number;
  /** The expected slowest-of-n factor per class at tailCv (lognormal), applied to measured times. */
  readonly tailFactors: readonly number[];
}

/**
 * The dilation that composes the run: the calibration's 5 timings of the reference work are
 * one moment of a device whose speed drifts (clocks, host load), so once the run is done D is
 * re-taken from every timing of that same work in it: lockstep's slowest class, in the pilot
 * and in lockstep's interleaved steps. Step times then reflect the run, not its first second.
 */
export function settleDilation(
  cal: Calibration,
  lockClassS: readonly number[],
  lockstepRuns: readonly Measured[],
  workFactor?: WorkFactor,
): Calibration {
  const ref = lockClassS.indexOf(Math.max(...lockClassS));
  // The dilation is the local device's speed: a slowed reference class ran factor times the
  // reference work, so its passes count divided by the factor (else the dilation would absorb
  // the slowdown and every class would look as fast as modelled).
  const factor = factorOf(workFactor, ref);
  const local = lockstepRuns
    .flatMap((m) => m.local.map((step) => (step[ref] ?? 0) / factor))
    .filter((x) => x > 0 && Number.isFinite(x));
  if (local.length === 0) return cal;
  const refLocalS = median(local);
  return { ...cal, refLocalS, dilation: cal.refClusterS / refLocalS };
}

/**
 * Measured over modelled compute time of each class at each step: D * local / t_g(b) (NaN where
 * the class had no work). Dimensionless, so it is comparable across steps whose allocation
 * differs (adaptive), and its median per class is how fast the local kernels ran that class's
 * work relative to the model.
 */
function ratios(model: ClusterModel, m: Measured, cal: Calibration): number[][] {
  // Modelled times per allocation: a fixed split repeats one allocation every step.
  const modelled = new Map<Allocation, number[]>();
  const modelOf = (a: Allocation): number[] => {
    let t = modelled.get(a);
    if (!t) {
      t = model.classes.map((c, i) => classComputeS(c, a[i] ?? 0));
      modelled.set(a, t);
    }
    return t;
  };
  return m.local.map((step, s) => {
    const modelS = modelOf(m.allocations[s] ?? []);
    return step.map((local, i) => {
      const t = modelS[i] ?? 0;
      return local > 0 && t > 0 ? (local * cal.dilation) / t : Number.NaN;
    });
  });
}

function classMedians(r: readonly (readonly number[])[], classes: number): number[] {
  return Array.from({ length: classes }, (_, i) =>
    median(r.map((step) => step[i] ?? Number.NaN).filter(Number.isFinite)),
  );
}

/**
 * One pass's local time over what the run's local-time line gives for the work the model
 * assigns its class at `sequences` (times the what-if's `factor`, when the slowdown is to be
 * divided out): NaN where the class had no work or the pass no time. classTimeRatios and the
 * rounds' device speed (round-speed.ts) both read passes through it.
 */
export function passRatio(
  model: ClusterModel,
  i: number,
  sequences: number,
  local: number,
  localPerClusterS: number,
  factor = 1,
): number {
  const c = model.classes[i];
  const expected = c ? classComputeS(c, sequences) * localPerClusterS * factor : 0;
  const x = local / expected;
  return expected > 0 && local > 0 && Number.isFinite(x) ? x : Number.NaN;
}

/**
 * Every class's measured over modelled compute time relative to the other classes of the same
 * step, one sample per class per step of every measured policy. A class's ratio is its pass (the
 * fit's artifacts removed, local-fit.ts workScaled) over what the run's own local-time line
 * (perUnitS, fitted on every pass against the units each really ran) gives for the work the
 * model assigns it; each class's ratio is then divided by the geometric mean of the other
 * classes' ratios in the same step. 1 is "as fast, for its modelled work, as the rest of the
 * device in that step"; a class a `--slow 1.10` what-if slowed reads about 1.10 and the others
 * about 0.95 (three classes) or 0.91 (two). Not the step's median: with three classes one of
 * them is the median and reads exactly 1 in every step, an interval of zero width. Dividing
 * within the step pairs the classes: their passes ran moments apart, so load
 * that comes and goes over seconds (the host's other work) cancels, as it does in the per-round
 * speedups; on this project's shared 2-core machines that halved the per-sample noise (25% CV
 * per pass, 12% per paired ratio). A device faster or slower as a whole between two runs leaves
 * the ratios where they were: they are what `compare` tests for a fail-slow generation
 * (docs/ci.md).
 */
export function classTimeRatios(
  model: ClusterModel,
  measured: readonly Measured[],
  cal: Calibration,
  perUnitS: number,
): number[][] {
  const out: number[][] = model.classes.map(() => []);
  if (!(perUnitS > 0) || model.classes.length < 2) return out;
  for (const m of measured)
    m.local.forEach((step, s) => {
      const allocation = m.allocations[s] ?? [];
      const ratio = step.map((local, i) =>
        passRatio(model, i, allocation[i] ?? 0, local, cal.unitsPerClusterS * perUnitS),
      );
      const logs = ratio.map((x) => Math.log(x));
      const valid = logs.filter(Number.isFinite);
      if (valid.length < 2) return;
      const sum = valid.reduce((a, b) => a + b, 0);
      logs.forEach((l, i) => {
        if (Number.isFinite(l)) out[i]?.push(Math.exp(l - (sum - l) / (valid.length - 1)));
      });
    });
  return out;
}

/**
 * One class's compute ratio as reports carry it: the median of its samples (classTimeRatios) and
 * the 95% bootstrap interval of that median; null without samples. The report's classes and the
 * run's check of whether they are resolved (class-resolution.ts) read the same interval.
 */
export function classRatioSummary(
  xs: readonly number[],
  classIndex: number,
): { readonly median: number; readonly lower: number; readonly upper: number } | null {
  const ci = xs.length > 0 ? bootstrapMedian(xs, 0.95, `class-ratio-${classIndex}`) : null;
  return ci === null ? null : { median: median(xs), lower: ci.lower, upper: ci.upper };
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
  const [jitter, from]: [JitterModel, MeasuredJitter['source']] =
    source === 'measured'
      ? [parametricJitter(cv), 'measured']
      : 'samples' in source
        ? [{ kind: 'empirical', samples: source.samples }, 'fleet']
        : [parametricJitter(source.cv), 'given'];
  return {
    cv,
    samples: pooled.length,
    source: from,
    tailCv: jitterCv(jitter),
    tailFactors: model.classes.map((c) => tailFactor(c.count, jitter)),
  };
}

export interface MeasuredComposition {
  /** The run's summary figures (speedup over `speedupOver`). */
  readonly run: RunComposition;
  /** One sample per measured step, carrying that step's local noise (none when not asked for). */
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
export function composeMeasured(
  model: ClusterModel,
  sync: StepSync,
  m: Measured,
  cal: Calibration,
  tails: readonly number[],
  speedupOver: number | null,
  withSamples = true,
): MeasuredComposition {
  const r = ratios(model, m, cal);
  const typical = classMedians(r, model.classes.length);
  const stepAt = (allocation: Allocation, ratio: readonly number[]): StepInput => ({
    allocation,
    slowestS: model.classes.map((c, i) => {
      const x = ratio[i] ?? Number.NaN;
      return Number.isFinite(x) ? x * classComputeS(c, allocation[i] ?? 0) * (tails[i] ?? 1) : 0;
    }),
    meanS: model.classes.map((c, i) => {
      const x = ratio[i] ?? Number.NaN;
      return Number.isFinite(x) ? x * classMeanComputeS(c, allocation[i] ?? 0) : 0;
    }),
  });
  const samples = (withSamples ? r : []).map((ratio, s): StepSample => {
    const step = stepAt(m.allocations[s] ?? [], ratio);
    const c = composeStep(model, sync, step);
    return {
      stepS: c.stepS,
      classComputeS: step.slowestS,
      allReduceS: c.exposedAllReduceS,
      stragglerLoss: c.stragglerLoss,
      mfu: c.mfu,
    };
  });
  // A fixed split's steps are all one step at the median ratios: composing one gives the same
  // figures (bootstrap resamples compose thousands of runs).
  const first = m.allocations[0];
  const fixed = first !== undefined && m.allocations.every((a) => sameAllocation(a, first));
  const run = composeRun(
    model,
    sync,
    (fixed ? [first] : m.allocations).map((allocation) => stepAt(allocation, typical)),
    speedupOver,
  );
  return { run: fixed ? { ...run, stepS: m.allocations.map(() => run.figures.stepS) } : run, samples };
}

function sameAllocation(a: Allocation, b: Allocation): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
}
