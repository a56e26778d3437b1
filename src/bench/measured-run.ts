import { DeviceError } from '../errors.js';
import type { Gpu } from '../gpu/open.js';
import { timePasses, type PassEncoder, type TimingMethod } from '../gpu/timer.js';
import { median } from '../kernels/matmul.js';
import type { Allocation, ClusterModel } from '../model/types.js';
import { createAdaptive, getPolicy, islandAllReduceS, lockstepAllocation, type PolicyContext, type PolicyName } from '../policy/index.js';
import type { PolicyFigures, PolicyRun, StepSample } from '../report/schema.js';
import { classComputeS, classMeanComputeS, composeIslands, exposedAllReduceS, figuresAt, perGpuBatch } from '../sim/compose.js';
import { parametricJitter, tailFactor } from '../sim/order-stats.js';
import { simulate, type SimulationResult } from '../sim/simulate.js';
import { calibrate, type Calibration } from './calibrate.js';
import type { UnitExecutor } from './unit-executor.js';

export interface MeasuredRunOptions {
  readonly model: ClusterModel;
  readonly policies: readonly PolicyName[];
  readonly steps: number;
  readonly seed: number;
  /** Local GPU seconds a lockstep step should take (all classes in turn). */
  readonly stepBudgetS: number;
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

/** What the measured run found out about the local device's noise. */
export interface MeasuredJitter {
  /** Robust CV (1.4826 * MAD / median) of every class's per-step local times, each series normalised to its median. */
  readonly cv: number;
  readonly samples: number;
  /** The expected slowest-of-n factor per class at that CV (lognormal), applied to measured times. */
  readonly tailFactors: readonly number[];
}

export interface MeasuredRunResult {
  readonly calibration: Calibration;
  readonly timing: TimingMethod;
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
export async function measuredRun(gpu: Gpu, executor: UnitExecutor, options: MeasuredRunOptions): Promise<MeasuredRunResult> {
  const { model, steps } = options;
  const lockAlloc = lockstepAllocation(model);
  const lockClassS = model.classes.map((c, i) => classComputeS(c, lockAlloc[i] ?? 0));
  options.onProgress?.({ phase: 'calibrate' });
  const cal = await calibrate(gpu, executor, lockClassS, options.stepBudgetS);

  const measured: Measured[] = [];
  let failure: DeviceError | null = null;
  let measuredRates: number[] | undefined;
  const ordered = orderPolicies(options.policies);
  try {
    for (const [index, name] of ordered.entries()) {
      const progress = (step: number): void => options.onProgress?.({ phase: 'policy', policy: name, policyIndex: index, policies: ordered.length, step, steps });
      progress(0);
      const policy = getPolicy(name);
      const ctx: PolicyContext = { model, seed: options.seed, ...(measuredRates ? { measuredSequencesPerS: measuredRates } : {}) };
      if (policy.kind === 'adaptive') {
        measured.push(await runAdaptive(gpu, executor, cal, ctx, steps, measured, progress));
      } else {
        const allocation = policy.allocate(ctx);
        const local = await runStatic(gpu, executor, cal, model, allocation, steps, progress);
        measured.push({ policy: name, kind: policy.kind, allocations: Array.from({ length: steps }, () => allocation), local });
        if (name === 'lockstep') measuredRates = ratesFrom(model, allocation, local, cal);
      }
    }
  } catch (err) {
    if (!(err instanceof DeviceError)) throw err;
    failure = err;
  }

  const jitter = measuredJitter(model, measured);
  const tails = jitter.tailFactors;
  const prediction = simulate(model, {
    policies: options.policies,
    steps: Math.max(steps, 20),
    seed: options.seed,
    jitterCv: jitter.cv,
    ...(measuredRates ? { measuredSequencesPerS: measuredRates } : {}),
  });
  const lockMeasured = measured.find((m) => m.policy === 'lockstep');
  const lockMeasuredS = lockMeasured ? composeAll(model, lockMeasured, cal, tails).meanStepS : Number.NaN;
  const runs = measured.map((m): PolicyRun => {
    const composed = composeAll(model, m, cal, tails);
    const predicted = prediction.policies.find((p) => p.policy === m.policy)?.expected;
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
    timing: cal.timing,
    policies: runs,
    jitter,
    prediction,
    adaptiveTrace: adaptive ? adaptive.steps.map((s) => s.stepS) : null,
    failure,
  };
}

/** Lockstep first: proportional-measured uses its measured rates, and every speedup its step time. */
function orderPolicies(policies: readonly PolicyName[]): PolicyName[] {
  const unique = [...new Set(policies)];
  return unique.includes('lockstep') ? ['lockstep', ...unique.filter((p) => p !== 'lockstep')] : unique;
}

function unitsFor(cal: Calibration, model: ClusterModel, allocation: Allocation): number[] {
  return model.classes.map((c, i) => classComputeS(c, allocation[i] ?? 0) * cal.unitsPerClusterS);
}

/** Executes `steps` steps of one fixed allocation: one timed pass per class per step, interleaved by step. */
async function runStatic(
  gpu: Gpu,
  executor: UnitExecutor,
  cal: Calibration,
  model: ClusterModel,
  allocation: Allocation,
  steps: number,
  progress: (step: number) => void,
): Promise<LocalSteps> {
  const units = unitsFor(cal, model, allocation);
  const work: (PassEncoder | null)[] = [];
  for (const u of units) work.push(u > 0 ? await executor.work(u) : null);
  const local: LocalSteps = [];
  // Submit a few steps at a time so progress can be shown and a device loss costs little.
  const chunk = Math.max(1, Math.min(steps, 4));
  for (let s = 0; s < steps; s += chunk) {
    const n = Math.min(chunk, steps - s);
    const passes: PassEncoder[] = [];
    for (let t = 0; t < n; t++) for (const w of work) if (w) passes.push(w);
    const times = await timePasses(gpu, passes);
    let p = 0;
    for (let t = 0; t < n; t++) local.push(work.map((w) => (w ? (times.seconds[p++] ?? Number.NaN) : 0)));
    progress(s + n);
  }
  return local;
}

async function runAdaptive(
  gpu: Gpu,
  executor: UnitExecutor,
  cal: Calibration,
  ctx: PolicyContext,
  steps: number,
  earlier: readonly Measured[],
  progress: (step: number) => void,
): Promise<Measured> {
  const { model } = ctx;
  const controller = createAdaptive(ctx);
  const allocations: Allocation[] = [];
  const local: LocalSteps = [];
  // The tail the controller sees is the one the measurements so far imply (lockstep's at least).
  const tails = measuredJitter(model, earlier).tailFactors;
  for (let s = 0; s < steps; s++) {
    const allocation = controller.allocation;
    const step = await runStatic(gpu, executor, cal, model, allocation, 1, () => {});
    const times = step[0] ?? [];
    allocations.push(allocation);
    local.push(times);
    controller.observe(times.map((t, i) => (t > 0 ? t * cal.dilation * (tails[i] ?? 1) : 0)));
    progress(s + 1);
  }
  return { policy: 'adaptive', kind: 'adaptive', allocations, local };
}

/** Sequences per second of one GPU of each class, from lockstep's measured times. */
function ratesFrom(model: ClusterModel, allocation: Allocation, local: LocalSteps, cal: Calibration): number[] {
  return model.classes.map((c, i) => {
    const t = median(local.map((step) => step[i] ?? 0).filter((x) => x > 0)) * cal.dilation;
    const b = perGpuBatch(c, allocation[i] ?? 0);
    return t > 0 ? b / t : 0;
  });
}

/** Pools every measured series (one per policy and class), each normalised to its median. */
export function measuredJitter(model: ClusterModel, measured: readonly Measured[]): MeasuredJitter {
  const pooled: number[] = [];
  for (const m of measured) {
    for (let i = 0; i < model.classes.length; i++) {
      const series = m.local.map((step) => step[i] ?? 0).filter((x) => x > 0 && Number.isFinite(x));
      if (series.length < 2) continue;
      const mid = median(series);
      for (const x of series) pooled.push(x / mid);
    }
  }
  const cv = pooled.length >= 4 ? (1.4826 * median(pooled.map((x) => Math.abs(x - 1)))) : 0;
  const jitter = parametricJitter(cv);
  return { cv, samples: pooled.length, tailFactors: model.classes.map((c) => tailFactor(c.count, jitter)) };
}

interface Composed {
  readonly meanStepS: number;
  readonly figures: PolicyFigures;
  readonly samples: StepSample[];
}

/**
 * Cluster steps from local times: class time = D * local * tail (the slowest of the class's
 * n GPUs at the measured jitter); the class's mean GPU computes D * local. Islands compose
 * per island with their own all-reduce.
 */
function composeAll(model: ClusterModel, m: Measured, cal: Calibration, tails: readonly number[]): Composed {
  const comm = exposedAllReduceS(model);
  const islandComm = m.kind === 'islands' ? islandAllReduceS(model) : null;
  const samples: StepSample[] = [];
  let totalS = 0;
  let totalSeq = 0;
  const meanSum = model.classes.map(() => 0);
  m.local.forEach((step, s) => {
    const allocation = m.allocations[s] ?? [];
    const slowest = step.map((t, i) => t * cal.dilation * (tails[i] ?? 1));
    const mean = step.map((t, i) => {
      // The class's mean GPU: the measured time scaled by the model's mean/slowest ratio
      // (s mod n GPUs carry one sequence more than the rest).
      const c = model.classes[i];
      const seq = allocation[i] ?? 0;
      if (!c || t <= 0) return 0;
      const ratio = classMeanComputeS(c, seq) / classComputeS(c, seq);
      return t * cal.dilation * (Number.isFinite(ratio) ? ratio : 1);
    });
    let stepS: number;
    let perStep: { stragglerLoss: number; mfu: number };
    if (islandComm) {
      const isl = composeIslands(model, allocation, slowest, islandComm, mean);
      stepS = isl.stepS;
      perStep = isl;
    } else {
      stepS = Math.max(0, ...slowest) + comm;
      perStep = figuresAt(model, allocation, stepS, mean, Number.NaN);
    }
    samples.push({ stepS, classComputeS: slowest, allReduceS: islandComm ? 0 : comm, stragglerLoss: perStep.stragglerLoss, mfu: perStep.mfu });
    totalS += stepS;
    totalSeq += allocation.reduce((a, b) => a + b, 0);
    mean.forEach((x, i) => (meanSum[i] = (meanSum[i] ?? 0) + x));
  });
  const n = Math.max(1, m.local.length);
  const meanStepS = totalS / n;
  const lastAlloc = m.allocations[m.allocations.length - 1] ?? [];
  const meanClass = meanSum.map((x) => x / n);
  if (islandComm) {
    // Islands have no common step: their figures come from each island's own mean step.
    const meanSlowest = model.classes.map((_, i) => samples.reduce((acc, st) => acc + (st.classComputeS[i] ?? 0), 0) / n);
    const isl = composeIslands(model, lastAlloc, meanSlowest, islandComm, meanClass);
    return { meanStepS: isl.stepS, figures: { stepS: isl.stepS, busy: isl.busy, stragglerLoss: isl.stragglerLoss, tokensPerS: isl.tokensPerS, mfu: isl.mfu, speedup: Number.NaN }, samples };
  }
  // Run totals (sequences over time, busy GPU-time over GPU-time), as the simulator reports.
  const figures = figuresAt(model, lastAlloc, meanStepS, meanClass, Number.NaN);
  const scale = totalSeq / n / Math.max(1, lastAlloc.reduce((a, b) => a + b, 0));
  return { meanStepS, figures: { ...figures, tokensPerS: figures.tokensPerS * scale, mfu: figures.mfu * scale }, samples };
}
