import type { Allocation, ClusterModel } from '../model/types.js';
import {
  createAdaptive,
  islandAllReduceS as defaultIslandAllReduce,
  getPolicy,
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
} from './compose.js';
import { decomposeLoss } from './decompose.js';
import { drawJitter, fixedDraws, type JitterDraws } from './draws.js';
import type { LossDecomposition, PolicyFigures } from './figures.js';
import { type JitterModel, parametricJitter, tailFactor } from './order-stats.js';
import { runStatic, staticFigures } from './static-run.js';

export { decomposeLoss } from './decompose.js';

/**
 * Default per-GPU per-step compute-time CV: 2%, the order of step-to-step variation of the same
 * kernels on one well-cooled node. Its cost grows with scale (the slowest of n), see docs/simulator.md.
 */
export const DEFAULT_JITTER_CV = 0.02;

export interface SimulateOptions {
  readonly policies: readonly PolicyName[];
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
  const lockRun = runStatic(model, lockAlloc, draws);
  const lockS = lockRun.meanStepS;
  const lockExpectedS = runStatic(model, lockAlloc, expectedDraws).meanStepS;

  let adaptiveResult: AdaptiveConvergence | null = null;
  const results = options.policies.map((name): PolicySimulation => {
    const policy = getPolicy(name);
    if (policy.kind === 'adaptive') {
      const { sim, convergence } = simulateAdaptive(model, ctx, draws, expectedDraws, lockS, lockExpectedS);
      adaptiveResult = convergence;
      return sim;
    }
    const allocation = policy.allocate(ctx);
    const pgb = model.classes.map((c, i) => perGpuBatch(c, allocation[i] ?? 0));
    if (policy.kind === 'islands')
      return simulateIslands(
        model,
        allocation,
        pgb,
        draws,
        tails,
        options.islandAllReduceS ?? defaultIslandAllReduce(model),
        lockS,
        lockExpectedS,
      );
    const run = name === 'lockstep' ? lockRun : runStatic(model, allocation, draws);
    return {
      policy: name,
      allocation,
      perGpuBatch: pgb,
      figures: staticFigures(model, allocation, run, lockS),
      expected: staticFigures(model, allocation, runStatic(model, allocation, expectedDraws), lockExpectedS),
      stepS: summarise(run.stepS),
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
      cv: jitter.kind === 'normal' || jitter.kind === 'lognormal' ? jitter.cv : jitter.kind === 'none' ? 0 : NaN,
    },
    tailFactors: tails,
    exposedAllReduceS: exposedAllReduceS(model),
    lockstepStepS: lockS,
    policies: results,
    decomposition: decomposeLoss(model, lockAlloc, draws),
    adaptive: adaptiveResult,
  };
}

function simulateAdaptive(
  model: ClusterModel,
  ctx: PolicyContext,
  draws: JitterDraws,
  expectedDraws: JitterDraws,
  lockS: number,
  lockExpectedS: number,
): { sim: PolicySimulation; convergence: AdaptiveConvergence } {
  const k = model.classes.length;
  const comm = exposedAllReduceS(model);
  const ctl = createAdaptive(ctx);
  const trace = new Float64Array(draws.steps);
  const expectedTrace: number[] = [];
  const meanSum = model.classes.map(() => 0);
  const times = model.classes.map(() => 0);
  // Expected step time per distinct allocation; adaptive settles, so this is a small cache.
  const expectedOf = new Map<string, number>();
  let total = 0;
  for (let t = 0; t < draws.steps; t++) {
    const alloc = ctl.allocation;
    let slowest = 0;
    for (let i = 0; i < k; i++) {
      const c = model.classes[i];
      if (!c) continue;
      const v = classComputeS(c, alloc[i] ?? 0) * (draws.values[t * k + i] ?? 1);
      times[i] = v;
      if (v > slowest) slowest = v;
      meanSum[i] = (meanSum[i] ?? 0) + classMeanComputeS(c, alloc[i] ?? 0);
    }
    trace[t] = slowest + comm;
    total += slowest + comm;
    const key = alloc.join(',');
    let e = expectedOf.get(key);
    if (e === undefined) {
      e = runStatic(model, alloc, expectedDraws).meanStepS;
      expectedOf.set(key, e);
    }
    expectedTrace.push(e);
    ctl.observe(times);
  }
  const meanStep = total / draws.steps;
  const classMean = meanSum.map((s) => s / draws.steps);
  const finalAlloc = ctl.allocation;
  // The allocation run in the last step is the one the figures describe as "settled".
  const minmaxAlloc = getPolicy('minmax').allocate(ctx);
  const minmaxExpectedS = runStatic(model, minmaxAlloc, expectedDraws).meanStepS;
  let stepsToWithin2pct: number | null = null;
  for (let t = expectedTrace.length - 1; t >= 0; t--) {
    if ((expectedTrace[t] ?? Infinity) <= 1.02 * minmaxExpectedS) stepsToWithin2pct = t;
    else break;
  }
  const sim: PolicySimulation = {
    policy: 'adaptive',
    allocation: finalAlloc,
    perGpuBatch: model.classes.map((c, i) => perGpuBatch(c, finalAlloc[i] ?? 0)),
    figures: figuresAt(model, finalAlloc, meanStep, classMean, lockS),
    expected: staticFigures(model, finalAlloc, runStatic(model, finalAlloc, expectedDraws), lockExpectedS),
    stepS: summarise(trace),
  };
  return { sim, convergence: { stepsToWithin2pct, minmaxExpectedS, trace: Array.from(trace), expectedTrace } };
}

function simulateIslands(
  model: ClusterModel,
  allocation: Allocation,
  pgb: readonly number[],
  draws: JitterDraws,
  tails: readonly number[],
  islandAllReduce: readonly number[],
  lockS: number,
  lockExpectedS: number,
): PolicySimulation {
  const k = model.classes.length;
  const base = model.classes.map((c, i) => classComputeS(c, allocation[i] ?? 0));
  const mean = model.classes.map((c, i) => classMeanComputeS(c, allocation[i] ?? 0));
  // Each island runs at its own pace: its mean step is its own mean jittered compute.
  const meanCompute = base.map((b, i) => {
    let s = 0;
    for (let t = 0; t < draws.steps; t++) s += b * (draws.values[t * k + i] ?? 1);
    return s / draws.steps;
  });
  const sim = composeIslands(model, allocation, meanCompute, islandAllReduce, mean);
  const exp = composeIslands(
    model,
    allocation,
    base.map((b, i) => b * (tails[i] ?? 1)),
    islandAllReduce,
    mean,
  );
  const fig = (c: typeof sim, lock: number): PolicyFigures => ({
    stepS: c.stepS,
    stragglerLoss: c.stragglerLoss,
    busy: c.busy,
    tokensPerS: c.tokensPerS,
    mfu: c.mfu,
    speedup: c.stepS > 0 ? lock / c.stepS : 0,
  });
  const perStep = new Float64Array(draws.steps).fill(sim.stepS);
  return {
    policy: 'islands',
    allocation,
    perGpuBatch: pgb,
    figures: fig(sim, lockS),
    expected: fig(exp, lockExpectedS),
    stepS: summarise(perStep),
    islands: { stepS: sim.islandStepS, tokensPerS: sim.islandTokensPerS },
  };
}

function summarise(xs: Float64Array): PolicySimulation['stepS'] {
  const s = Float64Array.from(xs).sort();
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { min: s[0] ?? 0, p50: q(0.5), p99: q(0.99), max: s[s.length - 1] ?? 0 };
}
