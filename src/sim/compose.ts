import type { Allocation, ClassCost, ClusterModel } from '../model/types.js';
import type { StepSync } from '../policy/sync.js';
import type { PolicyFigures } from './figures.js';

/**
 * The one definition of a step and of its figures. Every runner (the simulator, the measured
 * runner, the loss decomposition) hands per-class compute times to these functions; none
 * recomputes a step, a loss or an MFU itself.
 *
 *   barrier: T = max over classes of the class's slowest-GPU compute + exposed all-reduce
 *   islands: island i's step T_i = its slowest-GPU compute + its own exposed all-reduce; the
 *            cluster's "step" is the time it takes to process one global batch's worth of
 *            sequences, sum(s) / sum(s_i / T_i), so speedup stays comparable with the
 *            synchronous policies (it is not one model's progress: each island trains a replica)
 *   busy_c = mean GPU compute of class c / T (T_c for islands)
 *   straggler loss = 1 - sum over GPUs of busy / N (a replica's GPUs share its busy fraction;
 *            GPUs a layout leaves unused are idle)
 *   tokens/s = sequences * tokensPerSequence / T;   MFU = model FLOP/s / sum of every GPU's peak
 *   speedup = the reference run's (lockstep's) step time / this one's
 *
 * Units: seconds of cluster time (the measured runner undoes its time dilation first).
 */

/** One step's per-class compute: what a runner measured or the model predicts for `allocation`. */
export interface StepInput {
  readonly allocation: Allocation;
  /** Slowest GPU's compute seconds per class (0 where the class has no work). */
  readonly slowestS: readonly number[];
  /** Mean GPU's compute seconds per class: what the class's busy fraction counts. */
  readonly meanS: readonly number[];
}

export interface StepComposition {
  readonly stepS: number;
  /** Busy fraction per class. */
  readonly busy: number[];
  readonly stragglerLoss: number;
  readonly tokensPerS: number;
  readonly mfu: number;
  /** The barrier's exposed all-reduce (0 for islands, whose all-reduce is inside each island's step). */
  readonly exposedAllReduceS: number;
  /** Islands only: each island's own step and tokens/s. */
  readonly islands: IslandFigures | null;
}

export interface IslandFigures {
  readonly stepS: number[];
  readonly tokensPerS: number[];
}

/** A run's figures: totals over its steps (sequences over time, busy GPU-time over GPU-time). */
export interface RunComposition {
  readonly figures: PolicyFigures;
  /** Each step's time (islands: the run's figure every step, since they share no step). */
  readonly stepS: number[];
  readonly islands: IslandFigures | null;
}

/** Sum over every GPU of its own peak FLOP/s, unused GPUs included: MFU's denominator. */
export function clusterPeakFlops(model: ClusterModel): number {
  let s = 0;
  for (const c of model.classes) {
    s += c.count * c.peakFlops;
    const unused = c.unusedGpus ?? 0;
    if (unused > 0) s += (unused * c.peakFlops) / (c.gpusPerWorker ?? 1);
  }
  return s;
}

/** Per-GPU batch of the class's slowest GPU: ceil(s / n) (Allocation semantics). */
export function perGpuBatch(cls: ClassCost, sequences: number): number {
  return cls.count > 0 ? Math.ceil(sequences / cls.count) : 0;
}

/** Slowest-GPU compute time of a class given its sequences (no jitter). */
export function classComputeS(cls: ClassCost, sequences: number): number {
  const b = perGpuBatch(cls, sequences);
  return b > 0 ? cls.timeS(b) : 0;
}

/**
 * Mean compute time over the class's GPUs (no jitter): s mod n GPUs run ceil(s/n), the rest
 * floor(s/n). This, not the slowest GPU, is what the class's busy fraction counts.
 */
export function classMeanComputeS(cls: ClassCost, sequences: number): number {
  const n = cls.count;
  if (n <= 0 || sequences <= 0) return 0;
  const lo = Math.floor(sequences / n);
  const r = sequences - lo * n;
  const tLo = lo > 0 ? cls.timeS(lo) : 0;
  return r === 0 ? tLo : (r * cls.timeS(lo + 1) + (n - r) * tLo) / n;
}

/** The model's per-class compute of an allocation, scaled per class by `slowestFactor` (jitter, tail). */
export function modelStep(
  model: ClusterModel,
  allocation: Allocation,
  slowestFactor: (classIndex: number) => number = () => 1,
): StepInput {
  return {
    allocation,
    slowestS: model.classes.map((c, i) => classComputeS(c, allocation[i] ?? 0) * slowestFactor(i)),
    meanS: model.classes.map((c, i) => classMeanComputeS(c, allocation[i] ?? 0)),
  };
}

export function composeStep(model: ClusterModel, sync: StepSync, step: StepInput): StepComposition {
  checkShape(model, step);
  const sequences = sumOf(step.allocation);
  if (sync.kind === 'islands') return composeIslands(model, sync.exposedAllReduceS, step, sequences);
  let slowest = 0;
  for (const t of step.slowestS) if (t > slowest) slowest = t;
  const stepS = slowest + sync.exposedAllReduceS;
  return {
    ...barrierFigures(model, stepS, step.meanS, sequences),
    exposedAllReduceS: sync.exposedAllReduceS,
    islands: null,
  };
}

/**
 * Accumulates a run step by step (constant memory but for the step times), then gives its
 * figures. `speedupOver` is the reference run's mean step time; null makes this run its own
 * reference (speedup 1).
 */
export interface RunAccumulator {
  add(step: StepInput): StepComposition;
  finish(speedupOver: number | null): RunComposition;
}

export function startRun(model: ClusterModel, sync: StepSync): RunAccumulator {
  const k = model.classes.length;
  const stepTimes: number[] = [];
  const slowestSum = new Float64Array(k);
  const meanOf = Array.from({ length: k }, () => exactMean());
  const sequencesOf = exactMean();
  let last: Allocation = [];
  let total = 0;
  return {
    add(step) {
      const c = composeStep(model, sync, step);
      stepTimes.push(c.stepS);
      total += c.stepS;
      for (let i = 0; i < k; i++) {
        slowestSum[i] = (slowestSum[i] ?? 0) + (step.slowestS[i] ?? 0);
        meanOf[i]?.add(step.meanS[i] ?? 0);
      }
      sequencesOf.add(sumOf(step.allocation));
      last = step.allocation;
      return c;
    },
    finish(speedupOver) {
      const n = stepTimes.length;
      const meanS = meanOf.map((m) => m.value());
      if (sync.kind === 'islands') {
        // Islands share no step: their figures come from each island's own mean step.
        const slowestS = Array.from(slowestSum, (s) => (n > 0 ? s / n : 0));
        const c = composeIslands(model, sync.exposedAllReduceS, { allocation: last, slowestS, meanS }, sumOf(last));
        const { speedup } = withSpeedup(c, speedupOver);
        // (key order as islands reports have always had it)
        const figures = {
          stepS: c.stepS,
          stragglerLoss: c.stragglerLoss,
          busy: c.busy,
          tokensPerS: c.tokensPerS,
          mfu: c.mfu,
          speedup,
        };
        return {
          figures,
          stepS: stepTimes.map(() => c.stepS),
          islands: c.islands,
        };
      }
      const meanStepS = n > 0 ? total / n : 0;
      const f = barrierFigures(model, meanStepS, meanS, sequencesOf.value());
      return { figures: withSpeedup(f, speedupOver), stepS: stepTimes, islands: null };
    },
  };
}

/** One run of `steps`, composed from start to finish (a convenience over startRun). */
export function composeRun(
  model: ClusterModel,
  sync: StepSync,
  steps: Iterable<StepInput>,
  speedupOver: number | null,
): RunComposition {
  const run = startRun(model, sync);
  for (const s of steps) run.add(s);
  return run.finish(speedupOver);
}

type Figures = Omit<PolicyFigures, 'speedup' | 'busy'> & { readonly busy: number[] };

function withSpeedup(f: Figures, speedupOver: number | null): PolicyFigures {
  const reference = speedupOver ?? f.stepS;
  return {
    stepS: f.stepS,
    busy: f.busy,
    stragglerLoss: f.stragglerLoss,
    tokensPerS: f.tokensPerS,
    mfu: f.mfu,
    speedup: f.stepS > 0 ? reference / f.stepS : 0,
  };
}

/** The figures of a synchronous step (or a run's mean step) of length stepS. */
function barrierFigures(model: ClusterModel, stepS: number, classMeanS: readonly number[], sequences: number): Figures {
  const busy = model.classes.map((_, i) => (stepS > 0 ? (classMeanS[i] ?? 0) / stepS : 0));
  const peak = clusterPeakFlops(model);
  return {
    stepS,
    busy,
    stragglerLoss: 1 - busyGpus(model, busy) / model.gpus,
    tokensPerS: stepS > 0 ? (sequences * model.tokensPerSequence) / stepS : 0,
    mfu: stepS > 0 && peak > 0 ? (sequences * model.flopsPerSequence) / stepS / peak : 0,
  };
}

function composeIslands(
  model: ClusterModel,
  exposed: readonly number[],
  step: StepInput,
  sequences: number,
): StepComposition {
  const islandStepS = model.classes.map((_, i) => {
    const compute = step.slowestS[i] ?? 0;
    return compute > 0 ? compute + (exposed[i] ?? 0) : 0;
  });
  const islandSeqPerS = islandStepS.map((t, i) => (t > 0 ? (step.allocation[i] ?? 0) / t : 0));
  const seqPerS = islandSeqPerS.reduce((a, b) => a + b, 0);
  const stepS = seqPerS > 0 ? sequences / seqPerS : 0;
  const busy = model.classes.map((_, i) => {
    const t = islandStepS[i] ?? 0;
    return t > 0 ? (step.meanS[i] ?? 0) / t : 0;
  });
  const peak = clusterPeakFlops(model);
  return {
    stepS,
    busy,
    stragglerLoss: 1 - busyGpus(model, busy) / model.gpus,
    tokensPerS: seqPerS * model.tokensPerSequence,
    mfu: peak > 0 ? (seqPerS * model.flopsPerSequence) / peak : 0,
    exposedAllReduceS: 0,
    islands: { stepS: islandStepS, tokensPerS: islandSeqPerS.map((s) => s * model.tokensPerSequence) },
  };
}

function busyGpus(model: ClusterModel, busy: readonly number[]): number {
  let gpus = 0;
  model.classes.forEach((c, i) => {
    gpus += c.count * (c.gpusPerWorker ?? 1) * (busy[i] ?? 0);
  });
  return gpus;
}

function sumOf(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/**
 * A running mean that is exact for a constant series (a fixed allocation's mean compute, or
 * the global batch): summing n equal floats and dividing by n can drift by an ulp, and a
 * constant's mean is that constant.
 */
function exactMean(): { add(x: number): void; value(): number } {
  let first: number | null = null;
  let constant = true;
  let sum = 0;
  let n = 0;
  return {
    add(x) {
      if (first === null) first = x;
      else if (x !== first) constant = false;
      sum += x;
      n++;
    },
    value: () => (n === 0 ? 0 : constant ? (first ?? 0) : sum / n),
  };
}

function checkShape(model: ClusterModel, step: StepInput): void {
  const k = model.classes.length;
  if (step.allocation.length !== k || step.slowestS.length !== k || step.meanS.length !== k) {
    throw new RangeError(
      `expected ${k} classes, got allocation ${step.allocation.length}, ` +
        `slowest times ${step.slowestS.length} and mean times ${step.meanS.length}`,
    );
  }
}
