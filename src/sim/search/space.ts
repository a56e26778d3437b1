import type { ClusterGroup } from '../../cluster/types.js';
import type { LayoutSpec, RecomputeMode, ZeroStage } from '../../model/layout.js';
import type { WorkloadSpec } from '../../workload/types.js';
import type { FastClass } from './fast-class.js';

/**
 * The per-generation layout space of `plan --search` and its pruning. Every generation
 * (cluster group) is enumerated on its own (replica shaping: a GB200 NVL72 replica may have
 * fewer stages than an H100 HGX one):
 *   tp        divisors of the heads that split the KV heads (or are multiples of them)
 *   cp        1, 2, 4 (dividing the sequence), inside or across the scale-up domain
 *   pp        per busiest-stage size the fewest stages (ppValues), the busiest stage at most
 *             4/3 of the mean (uneven stages allowed: spreadLayers gives the first and last
 *             stage the fewer layers)
 *   interleave 1, 2, 4 virtual stages (pp >= 2, pp x v <= layers)
 *   microBatch 1, 2, 4;  zero 0, 2, 3 (1 when fixed: see ZEROS);  recompute none, selective, full
 *   sequence parallel on whenever tp > 1 (it only lowers memory and elementwise time here)
 * and pruned, each exclusion counted by its reason:
 *   domain    a fixed tp larger than the scale-up domain
 *   gpus      a replica of fixed degrees larger than the generation's GPUs
 *   batch     more replicas than sequences, a micro-batch (x pp when interleaved) larger
 *             than any share the batch can give a replica
 *   memory    a stage that does not fit even at the fewest micro-batches in flight
 * then, per structure (tp, cp, pp, v, micro-batch), recomputation stops at the cheapest mode
 * that fits at the most micro-batches a policy may give, and the ZeRO x recompute options
 * dominated in (step at the reference share, memory cap) are dropped.
 */
export type Exclusion = 'domain' | 'gpus' | 'batch' | 'memory';
export const EXCLUSIONS: readonly Exclusion[] = ['memory', 'batch', 'domain', 'gpus'];

/** Dimensions the user fixed (`--tp 8 --search` searches only tp 8). */
export interface FixedDimensions {
  readonly tp?: number;
  readonly pp?: number;
  readonly cp?: number;
  readonly microBatch?: number;
  readonly interleave?: number;
  readonly zero?: ZeroStage;
  readonly recompute?: RecomputeMode;
}

export interface GenerationCandidate {
  readonly group: number;
  readonly layout: LayoutSpec;
  readonly replicas: number;
  readonly unusedGpus: number;
  /** Most micro-batches per replica that fit in memory (capped at what a policy may give). */
  readonly maxMicroBatches: number;
  /** Micro-batches at the reference share the ranking uses. */
  readonly referenceMicroBatches: number;
  /** Step (compute + exposed DP sync) at the reference share. */
  readonly referenceStepS: number;
  /**
   * Sequences per second of the generation running its reference budget of sequences (its
   * peak-proportional part of the batch), penalised by budget / replicas when it has more
   * replicas than that budget.
   */
  readonly score: number;
  /** The same at each of BUDGETS times the reference budget. */
  readonly budgetScores: number[];
  /** A stable key for ties. */
  readonly key: string;
}

export interface GenerationSpace {
  readonly candidates: GenerationCandidate[];
  /** Layouts of this generation considered, excluded included. */
  readonly considered: number;
  readonly excluded: Record<Exclusion, number>;
  /** Options dropped as dominated by another of the same structure. */
  readonly dominated: number;
}

const MICRO_BATCHES = [1, 2, 4];
const INTERLEAVES = [1, 2, 4];
/**
 * ZeRO 1 is searched as ZeRO 2 unless fixed: the model gives both the same DP sync (a
 * reduce-scatter and an all-gather, model/dp-sync.ts) and optimizer time, and ZeRO 2 less memory.
 */
const ZEROS: readonly ZeroStage[] = [0, 2, 3];
const RECOMPUTES: readonly RecomputeMode[] = ['none', 'selective', 'full'];
/**
 * Context parallelism searched up to 4, inside or across the scale-up domain (stage-cost.ts
 * prices the K/V exchange on the link it uses): at a batch that limits data parallelism it
 * is the way besides deeper pipelines to make replicas larger (Llama 3 used cp up to 16 for
 * long context; Dubey et al. 2024, Section 3.3.2). A fixed --cp searches that value only.
 */
const MAX_CP = 4;
/** The busiest stage may hold at most this much over the mean (uneven pipelines). */
const STAGE_IMBALANCE = 4 / 3;

export function tpValues(w: WorkloadSpec): number[] {
  const out: number[] = [];
  for (let d = 1; d <= w.heads; d++) if (w.heads % d === 0 && (w.kvHeads % d === 0 || d % w.kvHeads === 0)) out.push(d);
  return out;
}

/**
 * For each busiest-stage size k, the fewest stages that give it, ceil(L / k): more stages at the
 * same busiest stage add GPUs to a replica but not speed (the pipeline's step is set by its
 * busiest stage and its fill), and no memory relief on that stage; and only where the busiest
 * stage holds at most STAGE_IMBALANCE of the mean.
 */
export function ppValues(w: WorkloadSpec): number[] {
  const out = new Set<number>();
  for (let k = 1; k <= w.layers; k++) {
    const p = Math.ceil(w.layers / k);
    if (Math.ceil(w.layers / p) <= (STAGE_IMBALANCE * w.layers) / p) out.add(p);
  }
  return [...out].sort((a, b) => a - b);
}

export function cpValues(w: WorkloadSpec): number[] {
  const out: number[] = [];
  for (let c = 1; c <= MAX_CP; c *= 2) if (w.seqLen % c === 0) out.push(c);
  return out;
}

const pick = <T>(all: readonly T[], fixed: T | undefined): readonly T[] => (fixed === undefined ? all : [fixed]);

export function enumerateGeneration(args: {
  readonly index: number;
  readonly group: ClusterGroup;
  readonly workload: WorkloadSpec;
  readonly globalBatch: number;
  /** GPUs of the whole cluster (for the reference share). */
  readonly clusterGpus: number;
  /** The generation's reference budget: its peak-proportional part of the global batch. */
  readonly referenceSequences: number;
  readonly maxShareFactor: number;
  readonly fixed: FixedDimensions;
  readonly fast: FastClass;
}): GenerationSpace {
  const { group, workload: w, globalBatch: B, fixed, fast } = args;
  const excluded: Record<Exclusion, number> = { memory: 0, batch: 0, domain: 0, gpus: 0 };
  // Unless fixed, tp and cp run inside the domain only; a fixed one that does not fit is counted.
  const tps = pick(
    tpValues(w).filter((t) => t <= group.scaleUpDomain),
    fixed.tp,
  );
  const cps = pick(cpValues(w), fixed.cp);
  const pps = pick(ppValues(w), fixed.pp);
  const mbs = pick(MICRO_BATCHES, fixed.microBatch);
  const vs = pick(INTERLEAVES, fixed.interleave);
  const zeros = pick(ZEROS, fixed.zero);
  const recomputes = pick(RECOMPUTES, fixed.recompute);
  const inner = mbs.length * vs.length * zeros.length * recomputes.length;
  let considered = 0;
  let dominated = 0;
  const candidates: GenerationCandidate[] = [];
  for (const tp of tps) {
    for (const cp of cps) {
      // TP needs the scale-up domain; CP may leave it (its K/V exchange then runs on scale-out).
      if (tp > group.scaleUpDomain) {
        excluded.domain += pps.length * inner;
        considered += pps.length * inner;
        continue;
      }
      for (const pp of pps) {
        considered += inner;
        const replicas = Math.floor(group.count / (tp * cp * pp));
        if (replicas < 1) {
          // Unless the user fixed the degrees, a replica larger than the group is outside the space.
          if (fixed.tp === undefined && fixed.pp === undefined && fixed.cp === undefined) considered -= inner;
          else excluded.gpus += inner;
          continue;
        }
        if (replicas > B) {
          excluded.batch += inner;
          continue;
        }
        // The most a replica can be given: the whole batch's share if this generation's
        // replicas were alone (no other generation lowers the lockstep share below it).
        const maxShare = Math.ceil(B / replicas);
        // The share at the generation's reference budget: what ranking assumes.
        const refShare = Math.max(1, Math.ceil(args.referenceSequences / replicas));
        for (const v of vs) {
          if (v > 1 && (pp < 2 || pp * v > w.layers)) {
            considered -= mbs.length * zeros.length * recomputes.length;
            continue;
          }
          for (const mb of mbs) {
            const perOptions = zeros.length * recomputes.length;
            const minQ = v > 1 ? pp : 1;
            if (mb * minQ > maxShare) {
              excluded.batch += perOptions;
              continue;
            }
            const roundQ = (q: number): number => (v > 1 ? Math.ceil(q / pp) * pp : q);
            const capQ = roundQ(Math.max(minQ, Math.ceil((args.maxShareFactor * maxShare) / mb)));
            const refQ = roundQ(Math.max(minQ, Math.ceil(refShare / mb)));
            // Memory saturates once every device holds its schedule's full warm-up.
            const saturated = Math.min(capQ, v > 1 ? 3 * pp : pp);
            const options: GenerationCandidate[] = [];
            for (const zero of zeros) {
              for (const recompute of recomputes) {
                const layout: LayoutSpec = {
                  tp,
                  pp,
                  cp,
                  microBatch: mb,
                  schedule: v > 1 ? { kind: 'interleaved', virtualStages: v } : { kind: '1f1b' },
                  zero,
                  recompute,
                  sequenceParallel: tp > 1,
                };
                if (!fast.fits(layout, replicas, minQ)) {
                  excluded.memory++;
                  continue;
                }
                const full = fast.fits(layout, replicas, saturated);
                const maxQ = full ? capQ : largestFitting(fast, layout, replicas, minQ, saturated, v > 1 ? pp : 1);
                const at = Math.min(refQ, maxQ);
                const e = fast.evaluate(layout, replicas, at);
                const stepS = e.computeS + e.dpExposedS;
                options.push({
                  group: args.index,
                  layout,
                  replicas,
                  unusedGpus: group.count - replicas * tp * cp * pp,
                  maxMicroBatches: maxQ,
                  referenceMicroBatches: at,
                  referenceStepS: stepS,
                  score: budgetScore(args.referenceSequences, replicas, stepS),
                  budgetScores: [],
                  key: layoutKey(layout),
                });
                // A slower recomputation cannot help once this one fits at every share.
                if (full) {
                  const skipped = recomputes.length - 1 - recomputes.indexOf(recompute);
                  dominated += skipped;
                  break;
                }
              }
            }
            const kept = paretoFront(options);
            dominated += options.length - kept.length;
            candidates.push(...kept);
          }
        }
      }
    }
  }
  // Layouts the pairing cannot tell apart (same replicas, micro-batch and interleaving
  // constraint) compete directly: only the non-dominated ones go on.
  const bySignature = new Map<string, GenerationCandidate[]>();
  for (const c of candidates) {
    const v = c.layout.schedule.kind === 'interleaved' ? c.layout.pp : 0;
    const k = `${c.replicas}|${c.layout.microBatch}|${v}`;
    const list = bySignature.get(k);
    if (list) list.push(c);
    else bySignature.set(k, [c]);
  }
  const survivors: GenerationCandidate[] = [];
  for (const list of bySignature.values()) {
    const kept = paretoFront(list);
    dominated += list.length - kept.length;
    survivors.push(...kept);
  }
  // What the pairing may shift: the score at half and at twice the reference budget too.
  for (const c of survivors) {
    const { pp, microBatch: mb } = c.layout;
    const v = c.layout.schedule.kind === 'interleaved';
    for (const f of BUDGETS) {
      const budget = Math.max(1, Math.round(args.referenceSequences * f));
      let q = Math.max(v ? pp : 1, Math.ceil(Math.ceil(budget / c.replicas) / mb));
      if (v) q = Math.ceil(q / pp) * pp;
      const e = fast.evaluate(c.layout, c.replicas, Math.min(c.maxMicroBatches, q));
      c.budgetScores.push(budgetScore(budget, c.replicas, e.computeS + e.dpExposedS));
    }
  }
  survivors.sort((a, b) => a.key.localeCompare(b.key));
  return { candidates: survivors, considered, excluded, dominated };
}

/** Budgets (times the reference) the pairing's shortlist looks at. */
export const BUDGETS = [0.5, 1, 2];

function budgetScore(budget: number, replicas: number, stepS: number): number {
  return (budget / stepS) * Math.min(1, budget / replicas);
}

/** Largest q (a multiple of `step`) in [lo, hi) that fits, given lo fits and hi does not. */
function largestFitting(fast: FastClass, layout: LayoutSpec, replicas: number, lo: number, hi: number, step: number) {
  let a = lo / step;
  let b = hi / step;
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (fast.fits(layout, replicas, mid * step)) a = mid;
    else b = mid;
  }
  return a * step;
}

/** Options no other option beats in both step (at the reference share) and memory cap; ties: the first. */
function paretoFront(options: readonly GenerationCandidate[]): GenerationCandidate[] {
  return options.filter(
    (a, i) =>
      !options.some(
        (b, j) =>
          j !== i &&
          b.referenceStepS <= a.referenceStepS &&
          b.maxMicroBatches >= a.maxMicroBatches &&
          (b.referenceStepS < a.referenceStepS || b.maxMicroBatches > a.maxMicroBatches || j < i),
      ),
  );
}

export function layoutKey(l: LayoutSpec): string {
  const v = l.schedule.kind === 'interleaved' ? l.schedule.virtualStages : 1;
  return `tp${l.tp}-cp${l.cp}-pp${l.pp}-v${v}-mb${l.microBatch}-z${l.zero}-${l.recompute}`;
}
