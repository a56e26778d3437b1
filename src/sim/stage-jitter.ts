import type { ClusterModel } from '../model/types.js';
import { createRng, deriveSeed } from '../stats/rng.js';
import type { HybridJob } from './hybrid-model.js';
import { type JitterModel, sampleMax } from './order-stats.js';
import { type PipelineInput, simulatePipeline } from './pipeline.js';

/**
 * The pipeline stages of a hybrid job's replica classes, for jitter per stage (simulate) and for
 * the measured run's stage units (bench/stage-units.ts). A replica class's step at b sequences
 * per replica is its pipeline schedule (sim/pipeline.ts) at ceil(b / microBatch) micro-batches;
 * here each pipeline rank (device) of the class can be slowed by its own factor and the schedule
 * re-timed, so a slow stage costs what the schedule makes it cost (in the steady state every
 * micro-batch waits for it) instead of the same share of the whole step.
 *
 * The slowest of a class's n replicas: each rank's factor is the slowest of the n replicas' draws
 * at that rank (order-stats.ts, O(1) in n). That is the schedule of a replica whose every stage is
 * as slow as the worst replica's at that stage, an upper bound of the slowest replica's schedule
 * (a schedule's makespan is monotone in its stage times), tight when the steady state (m
 * micro-batches through the slowest stage) dominates the ramp (p - 1 stages); docs/measured.md 3.4.
 */
export interface ClassStages {
  /** Pipeline ranks (devices) of one replica. */
  readonly ranks: number;
  /** The class's schedule for b sequences per replica (memoised per micro-batch count). */
  readonly at: (b: number) => StageSchedule;
}

export interface StageSchedule {
  /** The timeline's input (per virtual stage forward/backward seconds of one micro-batch, p2p). */
  readonly input: PipelineInput;
  /** Optimizer seconds per rank, after its last backward. */
  readonly optimizerS: readonly number[];
  /** The un-jittered end: max over ranks of finish + optimizer (what `scale` divides by). */
  readonly baseS: number;
}

export interface StageModel {
  readonly classes: readonly ClassStages[];
}

/** The stage model of a hybrid job: every replica class, mixed-generation pipelines included, in model order. */
export function stageModelOf(job: HybridJob): StageModel {
  return {
    classes: job.model.classes.map((_, k): ClassStages => {
      // Memoised per sequences per replica: simulate asks every step.
      const memo = new Map<number, StageSchedule>();
      const at = (b: number): StageSchedule => {
        let s = memo.get(b);
        if (!s) {
          const step = job.replicaStep(k, Math.max(1, b));
          const optimizerS = step.stages.map((st) => st.optimizerS);
          // Timed as the jittered schedules are (rankFinishS), so that factors of 1 give exactly 1.
          const baseS = endOf(rankFinishS(step.schedule), optimizerS);
          s = { input: step.schedule, optimizerS, baseS };
          memo.set(b, s);
        }
        return s;
      };
      return { ranks: job.replicaStep(k, 1).schedule.p, at };
    }),
  };
}

function endOf(finish: readonly number[], optimizerS: readonly number[]): number {
  let end = 0;
  finish.forEach((f, i) => {
    end = Math.max(end, f + (optimizerS[i] ?? 0));
  });
  return end;
}

/**
 * Micro-batch counts above EXTRAPOLATE_FROM x p are timed at 3p and 4p micro-batches and each
 * rank's finish extended linearly: past its ramp a 1F1B (or interleaved) schedule with fixed
 * stage times finishes one period later per micro-batch (the period of its slowest stage or
 * p2p cycle), so the extension is exact there, and a 7,000,000-sequence step (2,000
 * micro-batches per replica) costs the same few hundred events as a small one.
 */
export const EXTRAPOLATE_FROM = 4;

/** Each rank's finish of the schedule (extended linearly past EXTRAPOLATE_FROM x p micro-batches). */
export function rankFinishS(input: PipelineInput): number[] {
  const { p, m } = input;
  if (m <= EXTRAPOLATE_FROM * p) return simulatePipeline(input).deviceFinishS;
  const m0 = (EXTRAPOLATE_FROM - 1) * p;
  const m1 = EXTRAPOLATE_FROM * p;
  const f0 = simulatePipeline({ ...input, m: m0 }).deviceFinishS;
  const f1 = simulatePipeline({ ...input, m: m1 }).deviceFinishS;
  return f1.map((f, i) => f + ((m - m1) * (f - (f0[i] ?? 0))) / (m1 - m0));
}

/**
 * The schedule re-timed with rank r's forward, backward and optimizer times multiplied by
 * `rankFactor(r)` (p2p is the network's, not the GPU's: unscaled). Returns the ratio of the
 * re-timed end to the un-jittered end: the factor the class's compute time is multiplied by.
 */
export function stageSlowdown(schedule: StageSchedule, rankFactor: (rank: number) => number): number {
  const { input, optimizerS, baseS } = schedule;
  const p = input.p;
  const forwardS = input.forwardS.map((t, s) => t * rankFactor(s % p));
  const backwardS = input.backwardS.map((t, s) => t * rankFactor(s % p));
  const end = endOf(
    rankFinishS({ ...input, forwardS, backwardS }),
    optimizerS.map((o, r) => o * rankFactor(r)),
  );
  return baseS > 0 ? end / baseS : 1;
}

/**
 * Per step, class and rank: the slowest-of-n multiplier (n = the class's replicas), one set
 * shared by every policy (common random numbers), drawn from a stream of its own so the
 * per-class draws (draws.ts) stay what they were.
 */
export interface StageDraws {
  readonly steps: number;
  /** Offset of class c's ranks in a step's row. */
  readonly offsets: readonly number[];
  readonly perStep: number;
  readonly values: Float64Array;
}

export function drawStageJitter(
  model: ClusterModel,
  stages: StageModel,
  jitter: JitterModel,
  steps: number,
  seed: number,
): StageDraws {
  const offsets: number[] = [];
  let perStep = 0;
  for (const c of stages.classes) {
    offsets.push(perStep);
    perStep += c.ranks;
  }
  const values = new Float64Array(steps * perStep);
  const rng = createRng(deriveSeed(seed, 0x57a6e));
  for (let t = 0; t < steps; t++)
    stages.classes.forEach((c, i) => {
      const n = model.classes[i]?.count ?? 0;
      for (let r = 0; r < c.ranks; r++) values[t * perStep + (offsets[i] ?? 0) + r] = sampleMax(n, jitter, rng);
    });
  return { steps, offsets, perStep, values };
}

/**
 * Class c's compute time multiplier at step t for b sequences per replica: its schedule re-timed
 * with the step's per-rank draws. A class whose ranks are one (pp = 1) is its single draw.
 */
export function classStageFactor(stages: StageModel, draws: StageDraws, t: number, c: number, b: number): number {
  const cls = stages.classes[c];
  if (!cls || b <= 0) return 1;
  const row = t * draws.perStep + (draws.offsets[c] ?? 0);
  if (cls.ranks === 1) return draws.values[row] ?? 1;
  return stageSlowdown(cls.at(b), (r) => draws.values[row + r] ?? 1);
}
