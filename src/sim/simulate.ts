import type { Allocation, ClusterModel } from '../model/types.js';
import {
  exposedAllReduceS,
  lockstepAllocation,
  minmaxAllocation,
  type PolicyContext,
  type PolicyName,
  type PolicyRef,
  resolvePolicy,
  startPartition,
  stepSync,
} from '../policy/index.js';
import { deriveSeed, seededRng } from '../stats/rng.js';
import { modelStep, perGpuBatch, type StepInput, startRun } from './compose.js';
import { decomposeLoss } from './decompose.js';
import { decomposeHybridLoss, type HybridLossDecomposition } from './decompose-hybrid.js';
import { drawJitter, fixedDraws } from './draws.js';
import type { LossDecomposition, PolicyFigures } from './figures.js';
import type { HybridJob } from './hybrid-model.js';
import { type JitterModel, jitterCv, parametricJitter, tailFactor } from './order-stats.js';
import { classStageFactor, drawStageJitter, type StageModel } from './stage-jitter.js';
import { runStatic } from './static-run.js';

export { decomposeLoss } from './decompose.js';

/**
 * Default per-GPU per-step compute-time CV: 2%, the order of step-to-step variation of the same
 * kernels on one well-cooled node. Its cost grows with scale (the slowest of n), see docs/simulator.md.
 */
export const DEFAULT_JITTER_CV = 0.02;

export interface SimulateOptions {
  /** Built-ins by name, or policy objects (a user's module: policy/user-policy.ts). */
  readonly policies: readonly PolicyRef[];
  readonly steps: number;
  readonly seed: number;
  /** Per-worker compute-time coefficient of variation (ignored when jitterSamples is given). */
  readonly jitterCv: number;
  readonly jitterKind?: 'normal' | 'lognormal';
  /** Measured per-step times whose shape (rescaled to mean 1) replaces the parametric jitter. */
  readonly jitterSamples?: readonly number[];
  readonly measuredSequencesPerS?: readonly number[];
  /** Exact per-island all-reduce seconds; default derived from the model (policy/islands). */
  readonly islandAllReduceS?: readonly number[];
  /**
   * A hybrid job's pipeline stages (sim/stage-jitter.ts stageModelOf): jitter is then drawn per
   * step, replica class and pipeline rank and the class's schedule re-timed with it, instead of
   * one draw scaling the class's whole step.
   */
  readonly stages?: StageModel;
  /** The hybrid job behind `model`: adds lockstep's loss split in 3D (sim/decompose-hybrid.ts). */
  readonly hybrid?: HybridJob;
  /**
   * Noise on what a learning policy observes, not on the step: each class's observed time is
   * multiplied by a lognormal factor of this CV (default 0: it observes the step's times). The
   * measured run passes its local device's noise, which its adaptive policy really learned from
   * (docs/measured.md 3, prediction), so the prediction it is compared with learns from as noisy a view.
   */
  readonly observationCv?: number;
}

export interface PolicySimulation {
  readonly policy: PolicyName;
  /** Sequences per class (adaptive: its final allocation). */
  readonly allocation: Allocation;
  /** Slowest GPU's per-GPU batch per class. */
  readonly perGpuBatch: readonly number[];
  /** Over the simulated steps (totals: sequences / time, busy GPU-time / GPU-time). */
  readonly figures: PolicyFigures;
  /** The expected-value model: each class at timeS * tailFactor, no sampling. */
  readonly expected: PolicyFigures;
  readonly stepS: { readonly min: number; readonly p50: number; readonly p99: number; readonly max: number };
  /** Islands only: each island's own step time and tokens/s (simulated means). */
  readonly islands?: { readonly stepS: readonly number[]; readonly tokensPerS: readonly number[] };
}

export interface AdaptiveConvergence {
  /** First step from which adaptive's expected step time stays within 2% of minmax's; null if never. */
  readonly stepsToWithin2pct: number | null;
  readonly minmaxExpectedS: number;
  /** Realised (jittered) step time per step, seconds. */
  readonly trace: readonly number[];
  /** Expected step time of each step's allocation, seconds. */
  readonly expectedTrace: readonly number[];
}

export interface SimulationResult {
  readonly cluster: string;
  readonly workload: string;
  readonly gpus: number;
  readonly globalBatch: number;
  readonly steps: number;
  readonly seed: number;
  readonly jitter: { readonly kind: JitterModel['kind']; readonly cv: number };
  /** Expected slowest-of-n multiplier per class. */
  readonly tailFactors: readonly number[];
  readonly exposedAllReduceS: number;
  /** Lockstep's simulated mean step time: every speedup's numerator. */
  readonly lockstepStepS: number;
  readonly policies: readonly PolicySimulation[];
  /** Lockstep's straggler loss split by cause (on the same draws; total = its simulated loss). */
  readonly decomposition: LossDecomposition;
  readonly adaptive: AdaptiveConvergence | null;
  /** Hybrid jobs: lockstep's loss against the ideal step, split in 3D (on the same draws). */
  readonly hybridDecomposition?: HybridLossDecomposition;
}

export function jitterModelOf(
  options: Pick<SimulateOptions, 'jitterCv' | 'jitterKind' | 'jitterSamples'>,
): JitterModel {
  if (options.jitterSamples && options.jitterSamples.length > 0)
    return { kind: 'empirical', samples: options.jitterSamples };
  return parametricJitter(options.jitterCv, options.jitterKind ?? 'lognormal');
}

/**
 * Simulates `steps` steps of every requested policy on one set of jitter draws. Cost is
 * O(policies * steps * classes): the tail of a class is one order-statistic draw whatever its size.
 * Every policy runs the same loop: its partition gives each step's allocation, the model and the
 * draws give the step's class times, the one composer (sim/compose.ts) makes the step.
 */
export function simulate(model: ClusterModel, options: SimulateOptions): SimulationResult {
  if (!(Number.isInteger(options.steps) && options.steps >= 1))
    throw new RangeError(`steps must be an integer >= 1, got ${options.steps}`);
  const jitter = jitterModelOf(options);
  const tails = model.classes.map((c) => tailFactor(c.count, jitter));
  const draws = drawJitter(model, jitter, options.steps, options.seed);
  const expectedDraws = fixedDraws(tails);
  const ctx: PolicyContext = {
    model,
    seed: options.seed,
    classTailFactors: tails,
    ...(options.measuredSequencesPerS ? { measuredSequencesPerS: options.measuredSequencesPerS } : {}),
  };
  const lockAlloc = lockstepAllocation(model);
  const slowestOf = jitteredSlowest(model, options, jitter, draws);
  const lockS = options.stages
    ? simulatedLockstepS(model, lockAlloc, draws.steps, slowestOf)
    : runStatic(model, lockAlloc, draws).figures.stepS;
  const lockExpectedS = runStatic(model, lockAlloc, expectedDraws).figures.stepS;
  // Expected step time per distinct allocation (a partition that adapts settles: a small cache).
  const expectedOf = new Map<string, number>();
  const expectedStepS = (allocation: Allocation): number => {
    const key = allocation.join(',');
    let e = expectedOf.get(key);
    if (e === undefined) {
      e = runStatic(model, allocation, expectedDraws).figures.stepS;
      expectedOf.set(key, e);
    }
    return e;
  };

  let convergence: AdaptiveConvergence | null = null;
  // One stream for every learning policy's observation noise, apart from the jitter's draws.
  const sigma = Math.sqrt(Math.log(1 + (options.observationCv ?? 0) ** 2));
  const noiseRng = seededRng(deriveSeed(options.seed, 0x0b5e));
  const observe = sigma > 0 ? () => Math.exp(sigma * noiseRng.normal() - (sigma * sigma) / 2) : null;
  const results = options.policies.map((ref): PolicySimulation => {
    const policy = resolvePolicy(ref);
    const sync = stepSync(policy, model, options.islandAllReduceS);
    const partition = startPartition(policy, ctx);
    const run = startRun(model, sync);
    const expectedTrace: number[] = [];
    let base: StepInput | null = null;
    for (let t = 0; t < draws.steps; t++) {
      const allocation = partition.allocation;
      // A fixed partition's model times are computed once; an adaptive one's when it moves.
      if (base === null || base.allocation !== allocation) base = modelStep(model, allocation);
      const b = base;
      const slowestS = slowestOf(b, t);
      run.add({ allocation, slowestS, meanS: b.meanS });
      if (partition.adapts) expectedTrace.push(expectedStepS(allocation));
      partition.observe(observe === null || !partition.adapts ? slowestS : slowestS.map((x) => x * observe()));
    }
    const simulated = run.finish(lockS);
    const final = partition.allocation;
    const expected = runStatic(model, final, expectedDraws, sync, lockExpectedS);
    // The convergence line is the built-in adaptive's (a user's adapting policy is a row of its own).
    if (partition.adapts && policy.name === 'adaptive') {
      convergence = convergenceOf(
        simulated.stepS,
        expectedTrace,
        runStatic(model, minmaxAllocation(model, tails), expectedDraws).figures.stepS,
      );
    }
    return {
      policy: policy.name,
      allocation: final,
      perGpuBatch: model.classes.map((c, i) => perGpuBatch(c, final[i] ?? 0)),
      figures: simulated.figures,
      expected: expected.figures,
      stepS: summarise(simulated.stepS),
      ...(simulated.islands ? { islands: simulated.islands } : {}),
    };
  });
  return {
    cluster: model.cluster.name,
    workload: model.workload.name,
    gpus: model.gpus,
    globalBatch: model.globalBatch,
    steps: options.steps,
    seed: options.seed,
    jitter: {
      kind: jitter.kind,
      // Empirical samples (--fleet): their mean-1 CV, so the figure stays finite.
      cv: jitterCv(jitter),
    },
    tailFactors: tails,
    exposedAllReduceS: exposedAllReduceS(model),
    lockstepStepS: lockS,
    policies: results,
    decomposition: decomposeLoss(model, lockAlloc, draws),
    adaptive: convergence,
    ...(options.hybrid ? { hybridDecomposition: decomposeHybridLoss(options.hybrid, lockS) } : {}),
  };
}

/**
 * Step t's slowest-GPU compute per class: the class's model time times its draw, or with
 * pipeline stages its schedule re-timed with the step's per-rank draws. Per (class, per-replica
 * batch) the stage factors of every step are computed once and shared by the policies.
 */
function jitteredSlowest(
  model: ClusterModel,
  options: SimulateOptions,
  jitter: ReturnType<typeof jitterModelOf>,
  draws: ReturnType<typeof drawJitter>,
): (base: StepInput, t: number) => number[] {
  const k = model.classes.length;
  const stages = options.stages;
  if (!stages) return (base, t) => base.slowestS.map((x, i) => x * (draws.values[t * k + i] ?? 1));
  const stageDraws = drawStageJitter(model, stages, jitter, draws.steps, options.seed);
  // Filled on demand (NaN: not yet): an adapting policy visits a per-replica batch for a few steps only.
  const factors = new Map<string, Float64Array>();
  const factorOf = (c: number, b: number, t: number): number => {
    const key = `${c}:${b}`;
    let f = factors.get(key);
    if (!f) {
      f = new Float64Array(draws.steps).fill(Number.NaN);
      factors.set(key, f);
    }
    let x = f[t] ?? Number.NaN;
    if (Number.isNaN(x)) {
      x = classStageFactor(stages, stageDraws, t, c, b);
      f[t] = x;
    }
    return x;
  };
  return (base, t) =>
    base.slowestS.map((x, i) => {
      const cls = model.classes[i];
      const b = cls ? perGpuBatch(cls, base.allocation[i] ?? 0) : 0;
      return x > 0 ? x * factorOf(i, b, t) : 0;
    });
}

function simulatedLockstepS(
  model: ClusterModel,
  allocation: Allocation,
  steps: number,
  slowestOf: (base: StepInput, t: number) => number[],
): number {
  const run = startRun(model, stepSync(resolvePolicy('lockstep'), model));
  const base = modelStep(model, allocation);
  for (let t = 0; t < steps; t++) run.add({ allocation, slowestS: slowestOf(base, t), meanS: base.meanS });
  return run.finish(null).figures.stepS;
}

/** How fast an adapting partition reached minmax's expected step (within 2%, and stayed). */
function convergenceOf(
  trace: readonly number[],
  expectedTrace: readonly number[],
  minmaxExpectedS: number,
): AdaptiveConvergence {
  let stepsToWithin2pct: number | null = null;
  for (let t = expectedTrace.length - 1; t >= 0; t--) {
    if ((expectedTrace[t] ?? Infinity) <= 1.02 * minmaxExpectedS) stepsToWithin2pct = t;
    else break;
  }
  return { stepsToWithin2pct, minmaxExpectedS, trace: [...trace], expectedTrace };
}

function summarise(xs: readonly number[]): PolicySimulation['stepS'] {
  const s = Float64Array.from(xs).sort();
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { min: s[0] ?? 0, p50: q(0.5), p99: q(0.99), max: s[s.length - 1] ?? 0 };
}
