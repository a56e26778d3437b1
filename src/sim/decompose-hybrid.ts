import type { Allocation } from '../model/types.js';
import { lockstepAllocation } from '../policy/index.js';
import { fixedDraws } from './draws.js';
import type { HybridJob } from './hybrid-model.js';
import type { HybridStep } from './hybrid-step.js';
import { simulatePipeline } from './pipeline.js';
import { runStatic } from './static-run.js';

/**
 * Lockstep's loss on a hybrid-parallel job (TP x PP x DP replica classes, mixed pipelines
 * included), split by cause. The loss is relative to the ideal step T0 in which every GPU of
 * the cluster computes all step long at its own speed on the layout's kernels:
 *
 *   total = 1 - T0 / T,     part_k = (T_{k-1} - T_k) / T,     sum of parts = total exactly
 *
 * where T = T_A is the step and T_A >= T_B >= ... >= T_0 are counterfactual steps, each
 * removing one cause from the one before (docs/model.md, "The loss decomposition in 3D"):
 *
 *   T_A  the step (simulated: lockstep's mean under the draws; else T_B)
 *   T_B  no jitter: the model's lockstep step           jitter and tails = T_A - T_B
 *   T_C  no exposed DP sync (ZeRO gathers included)      DP sync          = T_B - T_C
 *   T_D  no pipeline p2p                                 PP comm          = T_C - T_D
 *   T_E  no TP/CP collectives                            TP comm          = T_D - T_E
 *   T_F  no recomputation                                memory limits    = T_E - T_F
 *   T_G  no idle stage time: each replica's mean busy    pipeline bubble  = T_F - T_G
 *   T_H  continuous shares: s_c / R_c per replica        batch granularity= T_G - T_H
 *   T_I  speed-proportional continuous split             generation mix   = T_H - T_I
 *   T_0  ... over every GPU, unused ones too             unused GPUs      = T_I - T_0
 *
 * Per class c (R_c replicas, the slowest replica's b_c = ceil(s_c / R_c) sequences as q_c
 * micro-batches): T_C..T_F are max over classes of max over pipeline devices i of
 * (finish_i + optimizer_i) on the schedule's timeline with the named costs removed; T_G is the
 * max over classes of mean_i (busy_i + optimizer_i) on T_F's timeline; with a_c = mean_i
 * (device i's compute per micro-batch) / microBatch and o_c = mean_i optimizer_i,
 * T_H = max_c (o_c + a_c s_c / R_c), and T_I, T_0 solve sum_c n_c max(0, T - o_c) / a_c = W
 * (the global batch) with n_c = R_c, then R_c + unused_c / G_c. Every step only removes work
 * or waiting from the one before (a list schedule's finish times never grow when durations or
 * delays shrink; a fluid split is at most any split's max), so every part but jitter is >= 0
 * (granularity up to float rounding); jitter is a sample mean and can be slightly negative.
 */
export interface HybridLossDecomposition {
  /** 1 - idealStepS / stepS. Each part below is a fraction of stepS; they add up to total. */
  readonly total: number;
  readonly generationMix: number;
  readonly pipelineBubble: number;
  readonly tpCommunication: number;
  readonly ppCommunication: number;
  readonly dpSync: number;
  readonly jitter: number;
  readonly memoryLimits: number;
  readonly batchGranularity: number;
  readonly unusedGpus: number;
  /** The counterfactual steps, seconds, from the step (A) to the ideal (0). */
  readonly steps: {
    readonly A: number;
    readonly B: number;
    readonly C: number;
    readonly D: number;
    readonly E: number;
    readonly F: number;
    readonly G: number;
    readonly H: number;
    readonly I: number;
    readonly ideal: number;
  };
}

interface ClassSteps {
  readonly C: number;
  readonly D: number;
  readonly E: number;
  readonly F: number;
  readonly G: number;
  /** Mean compute seconds per sequence over the replica's GPUs, and mean optimizer seconds. */
  readonly perSequenceS: number;
  readonly fixedS: number;
}

/** The counterfactual steps of one replica class whose replicas run `step`'s schedule. */
function classSteps(step: HybridStep, microBatch: number): ClassSteps {
  const { p, v, m, optimizerS } = step.parts;
  const zeros = step.parts.p2pS.map(() => 0);
  const endOf = (finish: readonly number[]): number => {
    let t = 0;
    finish.forEach((f, i) => {
      t = Math.max(t, f + (optimizerS[i] ?? 0));
    });
    return t;
  };
  const run = (forwardS: readonly number[], backwardS: readonly number[], p2pS: readonly number[]) =>
    simulatePipeline({ p, v, m, forwardS, backwardS, p2pS });
  const withP2p = run(step.parts.forwardS, step.parts.backwardS, step.parts.p2pS);
  const noP2p = run(step.parts.forwardS, step.parts.backwardS, zeros);
  const noComm = run(step.parts.forwardComputeS, step.parts.backwardComputeS, zeros);
  const plainB = step.parts.backwardComputeS.map((b, s) => b - (step.parts.backwardRecomputeS[s] ?? 0));
  const plain = run(step.parts.forwardComputeS, plainB, zeros);
  let busy = 0;
  let perMb = 0;
  let fixed = 0;
  for (let i = 0; i < p; i++) {
    busy += (plain.deviceBusyS[i] ?? 0) + (optimizerS[i] ?? 0);
    fixed += optimizerS[i] ?? 0;
    for (let c = 0; c < v; c++) {
      const s = c * p + i;
      perMb += (step.parts.forwardComputeS[s] ?? 0) + (plainB[s] ?? 0);
    }
  }
  return {
    C: endOf(withP2p.deviceFinishS),
    D: endOf(noP2p.deviceFinishS),
    E: endOf(noComm.deviceFinishS),
    F: endOf(plain.deviceFinishS),
    G: busy / p,
    perSequenceS: perMb / p / microBatch,
    fixedS: fixed / p,
  };
}

/**
 * The T that every worker of every class busy until T, after its fixed o_c, takes W in all:
 * sum_c n_c max(0, T - o_c) / a_c = W (water-filling over the classes sorted by o_c).
 */
export function fluidStepS(
  classes: readonly { readonly n: number; readonly perSequenceS: number; readonly fixedS: number }[],
  sequences: number,
): number {
  const live = classes.filter((c) => c.n > 0 && c.perSequenceS > 0).sort((a, b) => a.fixedS - b.fixedS);
  const only = live[0];
  if (live.length === 1 && only) return only.fixedS + only.perSequenceS * (sequences / only.n);
  let rate = 0; // sum n / a of the active classes
  let offset = 0; // sum n o / a
  let t = 0;
  for (let k = 0; k < live.length; k++) {
    const c = live[k] as (typeof live)[number];
    rate += c.n / c.perSequenceS;
    offset += (c.n * c.fixedS) / c.perSequenceS;
    t = (sequences + offset) / rate;
    const next = live[k + 1];
    if (next === undefined || t <= next.fixedS) break;
  }
  return t;
}

/**
 * Lockstep's loss split by cause. `stepS`: the step the parts are fractions of (simulate passes
 * lockstep's simulated mean step, so jitter and tails are what its draws cost); default the
 * model's jitter-free lockstep step (jitter 0).
 */
export function decomposeHybridLoss(job: HybridJob, stepS?: number): HybridLossDecomposition {
  const { model } = job;
  const allocation: Allocation = lockstepAllocation(model);
  const B = runStatic(model, allocation, fixedDraws(model.classes.map(() => 1))).figures.stepS;
  const A = stepS ?? B;
  const per = model.classes.map((c, k) => {
    const s = allocation[k] ?? 0;
    const b = c.count > 0 ? Math.ceil(s / c.count) : 0;
    const steps = classSteps(job.replicaStep(k, Math.max(1, b)), microBatchOf(job, k));
    return {
      ...steps,
      n: c.count,
      share: c.count > 0 ? s / c.count : 0,
      unused: c.unusedGpus ?? 0,
      size: c.gpusPerWorker ?? 1,
    };
  });
  const max = (f: (c: (typeof per)[number]) => number): number => per.reduce((t, c) => Math.max(t, f(c)), 0);
  const C = max((c) => c.C);
  const D = max((c) => c.D);
  const E = max((c) => c.E);
  const F = max((c) => c.F);
  const G = max((c) => c.G);
  const H = max((c) => c.fixedS + c.perSequenceS * c.share);
  const I = fluidStepS(per, model.globalBatch);
  const ideal = fluidStepS(
    per.map((c) => ({ ...c, n: c.n + c.unused / c.size })),
    model.globalBatch,
  );
  const of = (hi: number, lo: number): number => (A > 0 ? (hi - lo) / A : 0);
  return {
    total: of(A, ideal),
    generationMix: of(H, I),
    pipelineBubble: of(F, G),
    tpCommunication: of(D, E),
    ppCommunication: of(C, D),
    dpSync: of(B, C),
    jitter: of(A, B),
    memoryLimits: of(E, F),
    batchGranularity: of(G, H),
    unusedGpus: of(I, ideal),
    steps: { A, B, C, D, E, F, G, H, I, ideal },
  };
}

function microBatchOf(job: HybridJob, k: number): number {
  const g = job.groups[k];
  if (g) return g.layout.microBatch;
  return job.mixed[k - job.groups.length]?.layout.microBatch ?? 1;
}
