import type { ClusterGroup } from '../cluster/types.js';
import { RING_LATENCY } from './allreduce.js';
import type { LayoutSpec } from './layout.js';

/**
 * Mixed-generation pipelines (Metis, Um et al. ATC'24; HexiScale / FlashFlex, Yan et al. 2024):
 * one replica whose pipeline stages sit on different GPU generations, with the layers per
 * stage chosen so that the stages take about the same time per micro-batch on their own
 * generation. A mixed layout names its stages' generations in pipeline order,
 * `stages: [{ gpu: 'h100-sxm', count: 2 }, { gpu: 'gb200', count: 2 }]` = 4 stages, the first
 * two on H100 GPUs and the last two on GB200; tp, cp, the micro-batch, ZeRO and recompute are
 * the replica's, shared by its stages (docs/spec.md, "Mixed-generation pipelines").
 */
export interface MixedStageSpec {
  /** GpuSpec.id of a cluster group. */
  readonly gpu: string;
  /** Consecutive pipeline stages on that generation. */
  readonly count: number;
}

export interface MixedLayoutSpec extends Omit<LayoutSpec, 'pp' | 'schedule'> {
  readonly stages: readonly MixedStageSpec[];
  /** Replicas to build at most; absent: as many as every generation's GPUs allow. */
  readonly replicas?: number;
}

/**
 * The link a micro-batch's activations cross between two stages on different generations.
 * Generations never share a scale-up domain: NVLink joins the GPUs of one HGX baseboard (8)
 * or of one GB200 NVL72 rack (72) only (NVIDIA DGX H100 user guide; GB200 NVL72 product
 * brief), so the hop goes NIC to NIC over scale-out, whose rate is the slower end's
 * (a transfer runs at the minimum of the sender's and the receiver's NIC rate), with one
 * scale-out hop's latency (allreduce.ts RING_LATENCY).
 */
export function crossGenerationLink(
  a: ClusterGroup,
  b: ClusterGroup,
): { readonly gbs: number; readonly latencyS: number } {
  return { gbs: Math.min(a.scaleOutGBs, b.scaleOutGBs), latencyS: RING_LATENCY.scaleOutS };
}

export interface StageBalanceInput {
  /** Seconds of one layer, forward + backward for one micro-batch, on each stage's generation. */
  readonly perLayerS: readonly number[];
  /** Fixed seconds per micro-batch of each stage besides its layers (the LM head on the last). */
  readonly fixedS: readonly number[];
  /** The most layers each stage holds within its GPUs' memory (Infinity: unlimited). */
  readonly maxLayers: readonly number[];
  /** Layers to place, every stage at least one. */
  readonly layers: number;
}

/**
 * Layers per stage that minimise the slowest stage's per-micro-batch time
 * t_i(L_i) = fixedS_i + L_i * perLayerS_i, subject to sum L_i = layers, 1 <= L_i <= maxLayers_i.
 * Null when no split fits (sum of the caps below the layers, or a stage that cannot hold one).
 *
 * Exact, by a threshold search: a bound T is feasible iff the most layers each stage can take
 * without exceeding T, c_i(T) = min(maxLayers_i, floor((T - fixedS_i) / perLayerS_i)), are all
 * >= 1 and add up to at least `layers`; feasibility is monotone in T, and the optimum is one of
 * the finitely many values t_i(L) (the max of any split is one of them), so a binary search over
 * those sorted values finds the smallest feasible T exactly. The split then takes c_i(T) and
 * gives the surplus back one layer at a time, each from the currently slowest stage (ties: the
 * later one): no stage ever exceeds T, so the max stays optimal, and the give-back lowers the
 * slowest stages first (a second, greedy aim: a short fill and drain). Cost O(p L log(p L)).
 */
export function balanceStageLayers(input: StageBalanceInput): number[] | null {
  const p = input.perLayerS.length;
  const { layers } = input;
  if (p === 0 || layers < p) return null;
  const time = (i: number, l: number): number => (input.fixedS[i] ?? 0) + l * (input.perLayerS[i] ?? 0);
  const cap = (i: number): number => Math.min(input.maxLayers[i] ?? Infinity, layers - (p - 1));
  const most = (i: number, bound: number): number => {
    // The largest l <= cap with time(i, l) <= bound, counted directly (no float division).
    let lo = 0;
    let hi = cap(i);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (time(i, mid) <= bound) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const feasible = (bound: number): boolean => {
    let sum = 0;
    for (let i = 0; i < p; i++) {
      const c = most(i, bound);
      if (c < 1) return false;
      sum += c;
    }
    return sum >= layers;
  };
  const candidates: number[] = [];
  for (let i = 0; i < p; i++) for (let l = 1; l <= cap(i); l++) candidates.push(time(i, l));
  candidates.sort((a, b) => a - b);
  if (candidates.length === 0 || !feasible(candidates[candidates.length - 1] as number)) return null;
  let lo = 0;
  let hi = candidates.length - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (feasible(candidates[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  const bound = candidates[lo] as number;
  const split = Array.from({ length: p }, (_, i) => most(i, bound));
  let surplus = split.reduce((a, b) => a + b, 0) - layers;
  while (surplus > 0) {
    let slowest = -1;
    for (let i = 0; i < p; i++) {
      if ((split[i] ?? 0) <= 1) continue;
      if (slowest < 0 || time(i, split[i] ?? 0) >= time(slowest, split[slowest] ?? 0)) slowest = i;
    }
    if (slowest < 0) return null;
    split[slowest] = (split[slowest] ?? 0) - 1;
    surplus--;
  }
  return split;
}
