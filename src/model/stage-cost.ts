import type { GpuSpec } from '../hardware/types.js';
import { dtypeBytes, headDim, kvDim, layerParams, mlpMatrices } from '../workload/shape.js';
import type { WorkloadSpec } from '../workload/types.js';
import { RING_LATENCY } from './allreduce.js';
import { NON_GEMM, peakFlopsFor } from './compute-curve.js';
import { gemmInstanceS, type Roofline } from './gemm-cost.js';
import type { ResolvedLayout } from './layout.js';

/**
 * What one GPU of a tensor-parallel group spends on one micro-batch in one pipeline stage,
 * forward and backward, split as Megatron-LM splits the work (Shoeybi et al. 2019;
 * Korthikanti et al. 2022):
 *   column-parallel QKV and MLP-in (their output width / tp), row-parallel out-proj and
 *   MLP-out (their reduction / tp), heads / tp in the attention core, tokens / cp with context
 *   parallelism. Units: seconds, bytes.
 *
 *   GEMM time            gemmInstanceS (roofline at the size-dependent efficiency, gemm-cost.ts)
 *   attention core       flash attention, causal: the s x s scores and context matmuls at half
 *                        their full FLOPs (the upper triangle is skipped); the backward runs
 *                        FLASH_BACKWARD_MATMULS / 2 times the forward's matmul work, since it
 *                        recomputes the scores (Dao 2023, FlashAttention-2, Section 3.2)
 *   elementwise          NON_GEMM.elementwisePasses over the layer's activations, memory-bound,
 *                        a third in the forward, two thirds in the backward
 *   kernel launches      NON_GEMM.kernelsPerLayer per layer, a third forward
 *   TP collectives       per layer, forward: two all-reduces of the m x h activations (after
 *                        out-proj and MLP-out), or with sequence parallelism two all-gathers and
 *                        two reduce-scatters of the same bytes (the same ring volume); the
 *                        backward the same again; on the scale-up link, not overlapped
 *                        (Megatron-LM's default without --tp-comm-overlap)
 *   CP collectives       the K and V of the other cp - 1 chunks, all-gathered in the forward and
 *                        reduce-scattered in the backward, hidden behind the attention core
 *                        where it is longer (ring attention overlaps them)
 *   recomputation        full: the backward first re-runs the layer's forward (GEMMs, attention,
 *                        elementwise and its TP collectives); selective: the activation
 *                        functions and norms only (elementwise; with flash attention the core
 *                        keeps no s x s tensor, so there is nothing else worth recomputing)
 */
export const FLASH_BACKWARD_MATMULS = 5;
/**
 * Achieved over modelled compute time of real training stacks: the roofline above (GEMM
 * efficiency, elementwise passes) is what well-tuned kernels reach alone; a training step also
 * pays for kernel gaps, stream synchronisation, unfused small ops and framework overheads that
 * no formula here names. One factor scales every compute term (not communication). It is the
 * only fitted constant of the hybrid model: fitted on half of the published runs (every other
 * row of Narayanan et al. 2021 Table 1 and of the Megatron-LM H100 table), its error reported on
 * the other half, Llama 3 and BLOOM (docs/validation.md; test/validation.test.ts refits it and
 * fails if this value is not the fit).
 */
export const COMPUTE_OVERHEAD = 1.15;
/**
 * Passes over the score tensor of the unfused attention's forward: the scores GEMM writes it,
 * the fused masked softmax reads it and writes probabilities, dropout writes its mask and the
 * dropped probabilities, the context GEMM reads them (Korthikanti et al. 2022, Section 4.1,
 * count the same tensors: 5 a s / h bytes per token).
 */
export const UNFUSED_SOFTMAX_PASSES = 5;
/** Causal attention computes half of the s x s score matrix. */
export const CAUSAL_FRACTION = 0.5;

export interface PhaseCost {
  readonly computeS: number;
  /** Tensor- and context-parallel communication, exposed (not overlapped). */
  readonly commS: number;
}

export interface StageCost {
  /** Forward of one micro-batch through the stage's layers (plus the LM head on the last stage). */
  readonly forward: PhaseCost;
  /** Backward, recomputation included. */
  readonly backward: PhaseCost;
  /** Bytes one GPU sends to the next stage per micro-batch (activations forward, gradients backward). */
  readonly p2pBytes: number;
}

export interface LayerCostInput {
  readonly gpu: GpuSpec;
  readonly workload: WorkloadSpec;
  readonly layout: ResolvedLayout;
  /** Scale-up bandwidth of the TP/CP group, GB/s one direction. */
  readonly scaleUpGBs: number;
  /** Scale-out bandwidth per GPU, GB/s one direction (CP across domains). */
  readonly scaleOutGBs: number;
  readonly scaleUpDomain: number;
  /** Multiplies every compute term; default COMPUTE_OVERHEAD (the fit takes others). */
  readonly computeScale?: number;
}

function ringGatherS(bytes: number, n: number, gbs: number, latencyS: number): number {
  if (n <= 1) return 0;
  return ((n - 1) / n) * (bytes / (gbs * 1e9)) + (n - 1) * latencyS;
}

/** Costs of one layer and of the LM head for one micro-batch on one GPU. */
export function layerCosts(input: LayerCostInput): {
  layer: { forward: PhaseCost; backward: PhaseCost };
  head: { forward: PhaseCost; backward: PhaseCost };
  p2pBytes: number;
} {
  const { gpu, workload: w, layout } = input;
  const t = layout.tp;
  const cp = layout.cp;
  const e = dtypeBytes(w.dtype);
  const roofline: Roofline = {
    peakFlops: peakFlopsFor(gpu, w),
    bandwidthBytes: gpu.memoryBandwidthTBs * 1e12,
    elementBytes: e,
  };
  const h = w.hidden;
  const f = w.ffnHidden;
  const m = (layout.microBatch * w.seqLen) / cp; // tokens on this GPU
  const scale = input.computeScale ?? COMPUTE_OVERHEAD;
  const gemm = (mm: number, n: number, k: number): number => scale * gemmInstanceS(mm, n, k, 1, roofline);
  // forward GEMM and its two backward GEMMs (dgrad m x k x n, wgrad k x n x m)
  const fwdBwd = (mm: number, n: number, k: number): { f: number; b: number } => ({
    f: gemm(mm, n, k),
    b: gemm(mm, k, n) + gemm(k, n, mm),
  });
  const up = (mlpMatrices(w) - 1) * f;
  const gemms = [
    fwdBwd(m, (h + 2 * kvDim(w)) / t, h), // QKV, column-parallel
    fwdBwd(m, h, h / t), // out-proj, row-parallel
    fwdBwd(m, up / t, h), // MLP in (gate + up), column-parallel
    fwdBwd(m, h, f / t), // MLP out, row-parallel
  ];
  const gemmF = gemms.reduce((a, g) => a + g.f, 0);
  const gemmB = gemms.reduce((a, g) => a + g.b, 0);

  // Attention core: per local head and sequence, (s / cp) queries against s keys.
  const d = headDim(w);
  const batch = (layout.microBatch * w.heads) / t;
  const sq = w.seqLen / cp;
  const scores = scale * gemmInstanceS(sq, w.seqLen, d, batch, roofline) * batch;
  const context = scale * gemmInstanceS(sq, d, w.seqLen, batch, roofline) * batch;
  const flash = (layout.attention ?? 'flash') === 'flash';
  // Unfused: the masked scores are computed in full, and the softmax (with its mask and
  // dropout) reads and writes the b x heads/tp x sq x s score tensor UNFUSED_SOFTMAX_PASSES
  // times forward, twice that backward; the backward is the plain two GEMMs per forward GEMM.
  const scoreBytes = batch * sq * w.seqLen * e;
  const softmaxF = flash ? 0 : (scale * UNFUSED_SOFTMAX_PASSES * scoreBytes) / roofline.bandwidthBytes;
  const attnF = flash ? CAUSAL_FRACTION * (scores + context) : scores + context + softmaxF;
  const attnB = flash ? attnF * (FLASH_BACKWARD_MATMULS / 2) : 2 * (scores + context) + 2 * softmaxF;

  // Elementwise traffic and launches.
  const actElems = 6 * h + 2 * kvDim(w) + mlpMatrices(w) * f;
  const localElems = layout.sequenceParallel ? actElems / t : 4 * h + (actElems - 4 * h) / t;
  const elementwise = (scale * NON_GEMM.elementwisePasses * localElems * m * e) / roofline.bandwidthBytes;
  const launches = scale * NON_GEMM.kernelsPerLayer * NON_GEMM.kernelLaunchS;
  const elemF = elementwise / 3 + launches / 3;
  const elemB = (2 * elementwise) / 3 + (2 * launches) / 3;

  // TP collectives: two all-reduce volumes forward, two backward.
  const tpBytes = m * h * e;
  const tpLinkGBs = input.scaleUpGBs;
  const tpF = t > 1 ? 2 * 2 * ringGatherS(tpBytes, t, tpLinkGBs, RING_LATENCY.scaleUpS) : 0;
  // CP: K and V of every other chunk, hidden behind the attention core where that is longer.
  const cpInDomain = t * cp <= input.scaleUpDomain;
  const cpGBs = cpInDomain ? input.scaleUpGBs : input.scaleOutGBs;
  const cpLatency = cpInDomain ? RING_LATENCY.scaleUpS : RING_LATENCY.scaleOutS;
  const kvBytes = layout.microBatch * w.seqLen * ((2 * kvDim(w)) / Math.min(t, w.kvHeads)) * e;
  const cpGather = cp > 1 ? ringGatherS(kvBytes, cp, cpGBs, cpLatency) : 0;
  const cpF = Math.max(0, cpGather - attnF);
  const cpB = Math.max(0, cpGather - attnB);

  const recompute =
    layout.recompute === 'full'
      ? { compute: gemmF + attnF + elemF, comm: tpF + cpF }
      : layout.recompute === 'selective'
        ? { compute: elementwise / 3, comm: 0 }
        : { compute: 0, comm: 0 };
  const layer = {
    forward: { computeS: gemmF + attnF + elemF, commS: tpF + cpF },
    backward: { computeS: gemmB + attnB + elemB + recompute.compute, commS: tpF + cpB + recompute.comm },
  };

  // LM head (vocab-parallel) and the cross-entropy over fp32 logits, on the last stage.
  const headG = fwdBwd(m, w.vocab / t, h);
  const logits = (scale * 3 * m * (w.vocab / t) * 4) / roofline.bandwidthBytes;
  const head = {
    forward: { computeS: headG.f + logits / 3, commS: 0 },
    backward: { computeS: headG.b + (2 * logits) / 3, commS: 0 },
  };
  // Each TP rank sends its 1/tp of the m x h activations (Megatron's scatter-gather optimisation).
  const p2pBytes = (m * h * e) / t;
  return { layer, head, p2pBytes };
}

/** Parameters one GPU of a stage holds before any ZeRO sharding: its layers' share, the embedding or the head. */
export function stageParamsPerGpu(
  w: WorkloadSpec,
  layout: ResolvedLayout,
  layers: number,
  first: boolean,
  last: boolean,
): number {
  const embedding = w.vocab * w.hidden;
  return (layers * layerParams(w) + (first ? embedding : 0) + (last ? embedding + w.hidden : 0)) / layout.tp;
}
