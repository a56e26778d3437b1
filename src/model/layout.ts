import { SpecError } from '../errors.js';
import type { WorkloadSpec } from '../workload/types.js';

/**
 * How one GPU group runs a job: tensor parallelism inside the scale-up domain, pipeline stages
 * across domains, context parallelism, and data-parallel replicas over what is left. The names
 * follow Megatron-LM (Narayanan et al. 2021; Korthikanti et al. 2022).
 */
export type RecomputeMode = 'none' | 'selective' | 'full';
export type ZeroStage = 0 | 1 | 2 | 3;
/**
 * The attention kernel: fused flash attention (Dao et al. 2022; no s x s tensor in memory, the
 * causal half skipped) or the unfused form of earlier stacks (the score matrix materialised,
 * computed in full, with a softmax pass over it in memory; Megatron-LM 2021, BLOOM).
 */
export type AttentionKernel = 'flash' | 'unfused';
export type PipelineSchedule =
  | { readonly kind: '1f1b' }
  | { readonly kind: 'interleaved'; readonly virtualStages: number };

export interface LayoutSpec {
  /** Tensor-parallel degree (inside one scale-up domain). */
  readonly tp: number;
  /** Pipeline stages. */
  readonly pp: number;
  /** Context-parallel degree (the sequence split over cp GPUs for attention). */
  readonly cp: number;
  /** Sequences per micro-batch. */
  readonly microBatch: number;
  readonly schedule: PipelineSchedule;
  /** 0: nothing sharded; 1: optimizer states over DP; 2: + gradients; 3: + parameters. */
  readonly zero: ZeroStage;
  readonly recompute: RecomputeMode;
  readonly sequenceParallel: boolean;
  /** Absent: flash. */
  readonly attention?: AttentionKernel;
  /** Layers of each pipeline stage (virtual stage when interleaved), in order; absent: spread evenly. */
  readonly layersPerStage?: readonly number[];
}

/** A layout applied to one group of `count` GPUs for one workload and global batch. */
export interface ResolvedLayout extends LayoutSpec {
  /** Data-parallel replicas: floor(count / (tp * pp * cp)). */
  readonly dp: number;
  /** GPUs the layout leaves unused: count - dp * tp * pp * cp (idle, never busy). */
  readonly unusedGpus: number;
  /** Sequences each replica runs per step. */
  readonly sequencesPerReplica: number;
  /** Micro-batches each replica runs per step. */
  readonly microBatches: number;
  /** Layers per virtual stage (pp * v entries; v = 1 for 1F1B), summing to the workload's layers. */
  readonly stageLayers: readonly number[];
}

export const DEFAULT_LAYOUT: LayoutSpec = {
  tp: 1,
  pp: 1,
  cp: 1,
  microBatch: 1,
  schedule: { kind: '1f1b' },
  zero: 1,
  recompute: 'none',
  sequenceParallel: false,
};

export function virtualStages(schedule: PipelineSchedule): number {
  return schedule.kind === 'interleaved' ? schedule.virtualStages : 1;
}

/**
 * Checks a layout against the group and workload, and derives dp, the micro-batch count and the
 * layers of every stage. `sequencesPerReplica` is each replica's share of the global batch
 * (global batch / every group's replicas together). `field` names the inputs in SpecError
 * paths (a flag or a JSON path), so the user sees which input is wrong, its value and what
 * would be valid.
 */
export function resolveLayout(
  layout: LayoutSpec,
  group: { readonly count: number; readonly scaleUpDomain: number },
  w: WorkloadSpec,
  sequencesPerReplica: number,
  field: (name: keyof LayoutSpec) => string = (name) => name,
): ResolvedLayout {
  const dp = replicasOf(layout, group, w, field);
  const { tp, pp, cp, microBatch } = layout;
  const v = virtualStages(layout.schedule);
  if (sequencesPerReplica % microBatch !== 0)
    throw new SpecError(
      field('microBatch'),
      microBatch,
      `must divide each replica's ${sequencesPerReplica} sequences: use one of ${divisors(sequencesPerReplica).slice(0, 12).join(', ')}.`,
    );
  const microBatches = sequencesPerReplica / microBatch;
  if (layout.schedule.kind === 'interleaved' && microBatches % pp !== 0)
    throw new SpecError(
      field('schedule'),
      v,
      `interleaving needs the micro-batches per replica (${microBatches}) to be a multiple of pp ${pp}; use 1f1b or another micro-batch size.`,
    );
  const stageLayers = layout.layersPerStage ?? spreadLayers(w.layers, pp * v);
  if (stageLayers.length !== pp * v || stageLayers.some((n) => !Number.isSafeInteger(n) || n < 0))
    throw new SpecError(
      field('layersPerStage'),
      stageLayers,
      `must list ${pp * v} whole numbers of layers (pp x virtual stages).`,
    );
  const total = stageLayers.reduce((a, b) => a + b, 0);
  if (total !== w.layers)
    throw new SpecError(
      field('layersPerStage'),
      stageLayers,
      `must add up to the workload's ${w.layers} layers (they add up to ${total}).`,
    );
  return {
    ...layout,
    dp,
    unusedGpus: group.count - dp * tp * pp * cp,
    sequencesPerReplica,
    microBatches,
    stageLayers,
  };
}

/** Data-parallel replicas a layout makes of a group, floor(count / (tp * pp * cp)), after checking the layout's degrees. */
export function replicasOf(
  layout: LayoutSpec,
  group: { readonly count: number; readonly scaleUpDomain: number },
  w: WorkloadSpec,
  field: (name: keyof LayoutSpec) => string = (name) => name,
): number {
  const whole = (name: keyof LayoutSpec, v: number, min = 1): void => {
    if (!Number.isSafeInteger(v) || v < min) throw new SpecError(field(name), v, `must be a whole number >= ${min}.`);
  };
  whole('tp', layout.tp);
  whole('pp', layout.pp);
  whole('cp', layout.cp);
  whole('microBatch', layout.microBatch);
  const { tp, pp, cp } = layout;
  const tpThatFit = (): number[] =>
    divisors(w.heads).filter((d) => d <= group.scaleUpDomain && (w.kvHeads % d === 0 || d % w.kvHeads === 0));
  if (tp > group.scaleUpDomain)
    throw new SpecError(
      field('tp'),
      tp,
      `must fit in the scale-up domain of ${group.scaleUpDomain} GPUs: use one of ${tpThatFit().join(', ')}.`,
    );
  if (w.heads % tp !== 0 || (w.kvHeads % tp !== 0 && tp % w.kvHeads !== 0)) {
    throw new SpecError(
      field('tp'),
      tp,
      `must divide the ${w.heads} attention heads and the ${w.kvHeads} KV heads (or be a multiple of them): use one of ${tpThatFit().join(', ')}.`,
    );
  }
  if (w.seqLen % cp !== 0) throw new SpecError(field('cp'), cp, `must divide the sequence length ${w.seqLen}.`);
  const v = virtualStages(layout.schedule);
  whole('schedule', v);
  // A device's chunks run one after another: with one stage there is no bubble to fill.
  if (v > 1 && pp < 2)
    throw new SpecError(field('schedule'), v, `interleaving needs pp >= 2 (pp is ${pp}); use 1f1b with pp 1.`);
  // Explicit layers per stage may leave the first and last stage to the embedding and the head alone.
  if (pp * v > w.layers && layout.layersPerStage === undefined)
    throw new SpecError(
      field('pp'),
      pp,
      `times ${v} virtual stage(s) must be at most the ${w.layers} layers: pp at most ${Math.floor(w.layers / v)}.`,
    );
  const perReplica = tp * pp * cp;
  const dp = Math.floor(group.count / perReplica);
  if (dp < 1) {
    // Name the degree a user would lower: pp, else cp, else tp (whichever is above 1).
    const [name, value] = pp > 1 ? (['pp', pp] as const) : cp > 1 ? (['cp', cp] as const) : (['tp', tp] as const);
    throw new SpecError(
      field(name),
      value,
      `gives ${perReplica} GPUs per replica (tp ${tp} x pp ${pp} x cp ${cp}), more than the group's ${group.count}.`,
    );
  }
  return dp;
}

/**
 * Layers over n stages when they do not divide evenly: every stage gets floor(L/n) or one more,
 * and the stages short of a layer are the first and the last, which also carry the embedding
 * and the LM head with the loss (what Llama 3 did with 126 layers on 16 stages: one layer fewer
 * on the first and the last). Then the middle stages take the extras.
 */
export function spreadLayers(layers: number, stages: number): number[] {
  const base = Math.floor(layers / stages);
  let extra = layers - base * stages;
  const out = Array.from({ length: stages }, () => base);
  // The extras go to the middle stages in order, and to the last and the first only when the
  // middle ones are full.
  const order = [...Array.from({ length: Math.max(0, stages - 2) }, (_, i) => i + 1), stages - 1, 0].filter(
    (i, k, a) => i >= 0 && a.indexOf(i) === k,
  );
  for (const i of order) {
    if (extra === 0) break;
    out[i] = (out[i] ?? 0) + 1;
    extra--;
  }
  return out;
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}
