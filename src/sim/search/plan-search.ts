import type { ClusterSpec } from '../../cluster/types.js';
import { SpecError, UsageError } from '../../errors.js';
import { findGpu } from '../../hardware/catalog.js';
import type { GpuSpec } from '../../hardware/types.js';
import { peakFlopsFor } from '../../model/compute-curve.js';
import type { PolicyName } from '../../policy/index.js';
import { flopsPerSequence } from '../../workload/gemms.js';
import type { WorkloadSpec } from '../../workload/types.js';
import { exactPlan, type SearchPlan } from './exact.js';
import { FastClass } from './fast-class.js';
import {
  type Combo,
  type ComboExclusion,
  checkCombo,
  estimateCombo,
  type FastPlan,
  fastModel,
  planCombo,
} from './pair.js';
import {
  BUDGETS,
  EXCLUSIONS,
  type Exclusion,
  enumerateGeneration,
  type FixedDimensions,
  type GenerationCandidate,
  layoutKey,
} from './space.js';

/**
 * `hetbench plan --search`: enumerate layouts per generation (space.ts), keep each
 * generation's best non-dominated ones, pair them across generations with the policies'
 * partitions (pair.ts), rank by step time with the fast path, and report the leading plans
 * exactly through buildHybridJob (exact.ts). Deterministic: every list is ordered by value
 * and a stable layout key; nothing depends on time but the `seconds` the caller measures.
 */
export interface SearchOptions {
  readonly globalBatch: number;
  readonly fixed?: FixedDimensions;
  readonly gpus?: readonly GpuSpec[];
  /** Plans to report (default 10). */
  readonly top?: number;
  /** Feasible combinations the policies partition at most (default DEFAULT_PARTITIONED). */
  readonly maxCombinations?: number;
  /** A replica's share at most this many times the lockstep share (buildHybridJob's default, 4). */
  readonly maxShareFactor?: number;
}

export interface SearchResult {
  readonly search: {
    /** Layouts considered per generation, summed (excluded ones included). */
    readonly candidates: number;
    readonly excluded: Record<Exclusion, number>;
    readonly dominated: number;
    /** Layouts kept per generation after pruning, and those paired. */
    readonly kept: readonly number[];
    readonly paired: readonly number[];
    readonly combinations: number;
    /** Feasible combinations, and those the policies partitioned. */
    readonly feasibleCombinations: number;
    readonly partitioned: number;
    readonly combinationsExcluded: Record<ComboExclusion, number>;
    readonly feasiblePlans: number;
    readonly pipelineSimulations: number;
    /**
     * The best plan's layouts under lockstep's equal split (null when lockstep cannot place the
     * batch on them): lockstep / this is what the layouts win, this / best what the split wins.
     */
    readonly lockstepOnBestLayoutsSeconds: number | null;
  };
  readonly lockstep: SearchPlan;
  readonly plans: readonly SearchPlan[];
}

/** No plan survives: the message names the constraint that excluded the most, its count, and a fix. */
/** Combinations checked at most: sets how many layouts each generation keeps (32 each for three). */
const MAX_PAIRED = 32_768;
/** Feasible combinations the policies partition: the best by each estimate, half each. */
const DEFAULT_PARTITIONED = 1024;

export class NoFeasiblePlanError extends UsageError {
  override readonly name: string = 'NoFeasiblePlanError';
}

export function searchPlans(cluster: ClusterSpec, workload: WorkloadSpec, options: SearchOptions): SearchResult {
  const B = options.globalBatch;
  const fixed = options.fixed ?? {};
  const factor = options.maxShareFactor ?? 4;
  const top = options.top ?? 10;
  const groups = cluster.groups;
  if (groups.length === 0) throw new SpecError('$.groups', 0, 'must hold at least one GPU group.');
  const clusterGpus = groups.reduce((n, g) => n + g.count, 0);
  const fasts = groups.map(
    (group, i) =>
      new FastClass({
        group,
        gpu: gpuOf(group.gpu, i, options.gpus),
        workload,
        // While ranking, the DP ring is taken as if every generation had replicas of this size.
        ringMembers: (r) => Math.max(r, Math.round((r * clusterGpus) / group.count)),
      }),
  );
  const peaks = groups.map((g, i) => g.count * peakFlopsFor(fasts[i]?.ctx.gpu as GpuSpec, workload));
  const totalPeak = peaks.reduce((a, b) => a + b, 0);
  const spaces = groups.map((group, index) =>
    enumerateGeneration({
      index,
      group,
      workload,
      globalBatch: B,
      clusterGpus,
      referenceSequences: Math.max(1, Math.round((B * (peaks[index] ?? 0)) / totalPeak)),
      maxShareFactor: factor,
      fixed,
      fast: fasts[index] as FastClass,
    }),
  );
  const excluded: Record<Exclusion, number> = { memory: 0, batch: 0, domain: 0, gpus: 0 };
  for (const s of spaces) for (const k of EXCLUSIONS) excluded[k] += s.excluded[k];
  const perGeneration = Math.max(2, Math.floor(MAX_PAIRED ** (1 / groups.length)));
  const paired = spaces.map((s) => shortlist(s.candidates, perGeneration));
  const combinationsExcluded: Record<ComboExclusion, number> = { batch: 0, memory: 0 };
  const base = {
    cluster,
    workload,
    gpus: clusterGpus,
    globalBatch: B,
    tokensPerSequence: workload.seqLen,
    flopsPerSequence: flopsPerSequence(workload),
    overlap: 0,
  };
  // Every combination is checked (cheap); the feasible ones are ranked by two estimates and
  // the leading ones by each go to the policies.
  const feasible: { combo: Combo; key: string; lockstepS: number; splitS: number }[] = [];
  let combinations = 0;
  for (const choice of crossProduct(paired)) {
    combinations++;
    const combo = checkCombo(choice, B);
    if (typeof combo === 'string') {
      combinationsExcluded[combo]++;
      continue;
    }
    feasible.push({ combo, key: comboKey(combo, 'lockstep'), ...estimateCombo(combo, fasts, B) });
  }
  const partitioned = new Set<(typeof feasible)[number]>();
  const budget = options.maxCombinations ?? DEFAULT_PARTITIONED;
  for (const by of ['lockstepS', 'splitS'] as const) {
    const sorted = [...feasible].sort((a, b) => a[by] - b[by] || a.key.localeCompare(b.key));
    for (const f of sorted.slice(0, Math.ceil(budget / 2))) partitioned.add(f);
  }
  const fastPlans: FastPlan[] = [];
  for (const f of [...partitioned].sort((a, b) => a.key.localeCompare(b.key)))
    fastPlans.push(...planCombo(fastModel(base, f.combo, fasts, factor), f.combo));
  const order = (a: FastPlan, b: FastPlan): number =>
    a.stepS - b.stepS || comboKey(a.combo, a.policy).localeCompare(comboKey(b.combo, b.policy));
  fastPlans.sort(order);
  if (fastPlans.length === 0 || !fastPlans.some((p) => p.policy === 'lockstep'))
    throw noFeasiblePlan(B, excluded, combinationsExcluded, fastPlans.length);
  // The exact pass: the leading plans (and lockstep's) through buildHybridJob.
  const exactOf = (p: FastPlan) => exactPlan(cluster, workload, options.gpus, B, p.combo, p.policy, fasts, factor);
  const shortlistSize = Math.max(3 * top, 30);
  const lockCandidates = fastPlans.filter((p) => p.policy === 'lockstep').slice(0, shortlistSize);
  const bestOf = (list: readonly FastPlan[]) =>
    list
      .map((p) => ({ p, e: exactOf(p) }))
      .filter((x): x is { p: FastPlan; e: NonNullable<ReturnType<typeof exactOf>> } => x.e?.fits === true)
      .sort(
        (a, b) =>
          a.e.step.seconds - b.e.step.seconds ||
          comboKey(a.p.combo, a.p.policy).localeCompare(comboKey(b.p.combo, b.p.policy)),
      );
  const lock = bestOf(lockCandidates)[0];
  if (!lock) throw noFeasiblePlan(B, excluded, combinationsExcluded, 0);
  const lockS = lock.e.step.seconds;
  // Plans that differ only in the layout of a generation left idle are one plan.
  const seen = new Set<string>();
  const ranked = bestOf(fastPlans.slice(0, shortlistSize))
    .filter((x) => {
      const k = `${x.e.policy}:${x.e.layouts.map((l, i) => (l.sequences === 0 ? 'idle' : layoutKey(x.p.combo.choice[i]?.layout ?? x.p.combo.choice[0]!.layout))).join('+')}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .slice(0, top);
  const first = ranked[0];
  const onBest = first ? exactOf({ ...first.p, policy: 'lockstep' }) : null;
  const withSpeedup = (e: Omit<SearchPlan, 'speedupOverLockstep'>): SearchPlan => ({
    policy: e.policy,
    layouts: e.layouts,
    step: e.step,
    speedupOverLockstep: lockS / e.step.seconds,
    fits: e.fits,
  });
  return {
    search: {
      candidates: spaces.reduce((n, s) => n + s.considered, 0),
      excluded,
      dominated: spaces.reduce((n, s) => n + s.dominated, 0),
      kept: spaces.map((s) => s.candidates.length),
      paired: paired.map((p) => p.length),
      combinations,
      feasibleCombinations: feasible.length,
      partitioned: partitioned.size,
      combinationsExcluded,
      feasiblePlans: fastPlans.length,
      pipelineSimulations: fasts.reduce((n, f) => n + f.simulations, 0),
      lockstepOnBestLayoutsSeconds: onBest?.fits ? onBest.step.seconds : null,
    },
    lockstep: withSpeedup(lock.e),
    plans: ranked.map((x) => withSpeedup(x.e)),
  };
}

/**
 * A generation's layouts to pair: the best by throughput per GPU at the reference share, at
 * most two per replica count (so that the pairing can trade replicas between generations),
 * ties by layout key.
 */
function shortlist(candidates: readonly GenerationCandidate[], n: number): GenerationCandidate[] {
  const out = new Set<GenerationCandidate>();
  const per = Math.max(1, Math.ceil(n / BUDGETS.length));
  BUDGETS.forEach((_, b) => {
    const sorted = [...candidates].sort(
      (x, y) => (y.budgetScores[b] ?? 0) - (x.budgetScores[b] ?? 0) || x.key.localeCompare(y.key),
    );
    const perReplicas = new Map<number, number>();
    let taken = 0;
    for (const c of sorted) {
      if (taken >= per || out.size >= n) break;
      const k = perReplicas.get(c.replicas) ?? 0;
      if (k >= 2) continue;
      perReplicas.set(c.replicas, k + 1);
      if (!out.has(c)) {
        out.add(c);
        taken++;
      }
    }
  });
  return [...out].sort((x, y) => x.key.localeCompare(y.key));
}

function* crossProduct<T>(lists: readonly (readonly T[])[]): Generator<T[]> {
  if (lists.some((l) => l.length === 0)) return;
  const idx = lists.map(() => 0);
  for (;;) {
    yield idx.map((k, i) => (lists[i] as readonly T[])[k] as T);
    let d = lists.length - 1;
    while (d >= 0) {
      idx[d] = (idx[d] ?? 0) + 1;
      if ((idx[d] ?? 0) < (lists[d] as readonly T[]).length) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

function comboKey(combo: Combo, policy: PolicyName): string {
  return `${policy}:${combo.choice.map((c) => layoutKey(c.layout)).join('+')}`;
}

function gpuOf(id: string, i: number, gpus: readonly GpuSpec[] | undefined): GpuSpec {
  try {
    return findGpu(id, gpus);
  } catch (err) {
    if (err instanceof SpecError) throw new SpecError(`$.groups[${i}].gpu`, id, err.fix);
    throw err;
  }
}

function noFeasiblePlan(
  B: number,
  excluded: Record<Exclusion, number>,
  combos: Record<ComboExclusion, number>,
  feasible: number,
): NoFeasiblePlanError {
  const counts: [string, number][] = [
    ['memory', excluded.memory + combos.memory],
    ['batch', excluded.batch + combos.batch],
    ['domain size', excluded.domain],
    ['GPUs per generation', excluded.gpus],
  ];
  counts.sort((a, b) => b[1] - a[1]);
  const [worst] = counts[0] as [string, number];
  const fixes: Record<string, string> = {
    memory:
      'allow more memory savings (drop a fixed --zero/--recompute, or fix a higher --tp/--pp), or use GPUs with more memory',
    batch: `raise --global-batch (now ${B.toLocaleString('en-US')}) so that every replica gets a sequence, or fix fewer dimensions (a higher --pp/--tp makes fewer, larger replicas)`,
    'domain size': "fix a lower --tp: tp must fit in each generation's scale-up domain (8 on HGX, 72 on NVL72)",
    'GPUs per generation': "fix a lower --pp/--tp/--cp: a replica must fit in each generation's GPUs",
  };
  const list = counts.map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ');
  return new NoFeasiblePlanError(
    'search',
    `${feasible} feasible plans`,
    `no layout per generation makes a feasible plan; ${worst} excluded the most candidates (${list}). Fix: ${fixes[worst] ?? ''}.`,
  );
}
