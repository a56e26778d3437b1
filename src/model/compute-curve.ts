import type { GpuSpec } from '../hardware/types.js';
import { layerActivationElementsPerToken } from '../workload/activations.js';
import { stepGemms } from '../workload/gemms.js';
import { dtypeBytes, recomputesFully } from '../workload/shape.js';
import type { WorkloadSpec } from '../workload/types.js';
import { gemmInstanceS, type Roofline } from './gemm-cost.js';
import { MODEL_STATE_BYTES_PER_PARAM } from './memory-cap.js';

/**
 * Non-GEMM work, which is memory-bound: norms, SwiGLU, rotary, residual adds and softmax
 * statistics read and write each layer's activations about ELEMENTWISE_PASSES times over a
 * forward and a backward pass. Kernel launches cost a fixed KERNEL_LAUNCH_S each, about
 * KERNELS_PER_LAYER per layer forward+backward (plus a third for recomputation). The optimizer
 * reads and writes its 16-byte-per-parameter shard once per step.
 */
export const NON_GEMM = {
  elementwisePasses: 4,
  kernelLaunchS: 4e-6,
  kernelsPerLayer: 30,
  optimizerPasses: 2,
} as const;

/** One GEMM of the step for b = 1, and which of its terms grows with the batch b. */
interface GemmTemplate {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly count: number;
  readonly batch: number;
  /** 'm' or 'k': that dimension is b * seqLen; 'batch': count and batch grow with b (attention). */
  readonly scales: 'm' | 'k' | 'batch';
}

/**
 * Compute seconds of one GPU for b sequences run as ONE micro-batch, t(b) (see accumulatedCurve
 * for a per-step batch split into several):
 *   t(0) = 0;  t(b) = launches + optimizer + sum over GEMMs g of count_g(b) * max(flops / (peak eff), bytes / bw)
 *                     + elementwise(b)
 * The per-GEMM work is precomputed once (about 25 templates), so each call is O(#templates);
 * policies call it many times. Efficiency rises with b (more outputs in flight), so t(b) is
 * affine plus a concave start: non-decreasing, with a positive intercept.
 */
export function computeCurve(gpu: GpuSpec, w: WorkloadSpec, clusterGpus: number): (b: number) => number {
  return curveParts(gpu, w, clusterGpus).timeS;
}

/**
 * The single-micro-batch curve and the part of it paid once per step whatever the number of
 * micro-batches: the optimizer update (weights change once per step). Kernel launches, GEMMs
 * and elementwise work repeat for every micro-batch.
 */
export function curveParts(
  gpu: GpuSpec,
  w: WorkloadSpec,
  clusterGpus: number,
): { timeS: (b: number) => number; perStepS: number } {
  const roofline: Roofline = {
    peakFlops: peakFlopsFor(gpu, w),
    bandwidthBytes: gpu.memoryBandwidthTBs * 1e12,
    elementBytes: dtypeBytes(w.dtype),
  };
  const templates = gemmTemplates(w);
  const e = dtypeBytes(w.dtype);
  const elementwisePerSequenceS =
    (NON_GEMM.elementwisePasses * w.layers * layerActivationElementsPerToken(w) * w.seqLen * e) /
    roofline.bandwidthBytes;
  const kernels = w.layers * NON_GEMM.kernelsPerLayer * (recomputesFully(w) ? 4 / 3 : 1);
  const optimizerS =
    (NON_GEMM.optimizerPasses * MODEL_STATE_BYTES_PER_PARAM * w.params) / clusterGpus / roofline.bandwidthBytes;
  const fixedS = kernels * NON_GEMM.kernelLaunchS + optimizerS;
  const timeS = (b: number): number => {
    if (b <= 0) return 0;
    let total = fixedS + b * elementwisePerSequenceS;
    for (const t of templates) {
      if (t.scales === 'm') total += t.count * gemmInstanceS(t.m * b, t.n, t.k, t.batch, roofline);
      else if (t.scales === 'k') total += t.count * gemmInstanceS(t.m, t.n, t.k * b, t.batch, roofline);
      else total += t.count * b * gemmInstanceS(t.m, t.n, t.k, t.batch * b, roofline);
    }
    return total;
  };
  return { timeS, perStepS: optimizerS };
}

/**
 * Gradient accumulation: a per-step batch of b sequences runs as q = ceil(b / microBatchCap)
 * micro-batches, as even as possible (b mod q of ceil(b/q), the rest floor(b/q)), one after
 * the other, with one optimizer update per step:
 *
 *   t(0) = 0;  t(b) = sum over the q micro-batches of single(size) - (q - 1) * perStepS
 *
 * where single(size) is the one-micro-batch curve (which includes the optimizer once). With q = 1
 * this is single(b) itself, bit for bit. microBatchCap <= 0 (not even one sequence fits) or
 * Infinity means no splitting. Sizes never exceed microBatchCap, so single() is memoised on
 * 1..microBatchCap and a call costs O(1) after the first (O(#GEMM templates) at worst).
 */
export function accumulatedCurve(
  single: (b: number) => number,
  perStepS: number,
  microBatchCap: number,
): (b: number) => number {
  if (!(microBatchCap >= 1) || !Number.isFinite(microBatchCap)) return single;
  const mu = Math.floor(microBatchCap);
  const memo = new Float64Array(mu + 1).fill(-1);
  const micro = (size: number): number => {
    let v = memo[size] ?? -1;
    if (v < 0) {
      v = single(size);
      memo[size] = v;
    }
    return v;
  };
  return (b: number): number => {
    if (b <= 0) return 0;
    if (b <= mu) return micro(b);
    const q = Math.ceil(b / mu);
    const lo = Math.floor(b / q);
    const r = b - lo * q;
    return (r > 0 ? r * micro(lo + 1) : 0) + (q - r) * micro(lo) - (q - 1) * perStepS;
  };
}

/** Peak FLOP/s at the workload's dtype: the dense tensor rate for bf16/fp16, the FP32 rate for fp32. */
export function peakFlopsFor(gpu: GpuSpec, w: WorkloadSpec): number {
  return (w.dtype === 'fp32' ? gpu.fp32Tflops : gpu.bf16DenseTflops) * 1e12;
}

/**
 * The step's GEMMs at b = 1, each tagged with how it grows: compared against b = 2, exactly
 * one of m, k or (count and batch) doubles. Deriving it keeps stepGemms the one source of truth.
 */
function gemmTemplates(w: WorkloadSpec): GemmTemplate[] {
  const one = stepGemms(w, 1);
  const two = stepGemms(w, 2);
  return one.map((g, i) => {
    const g2 = two[i];
    if (g2 === undefined) throw new Error(`stepGemms returned different lists for 1 and 2 sequences`);
    const scales = g2.m === 2 * g.m && g.m > 0 ? 'm' : g2.k === 2 * g.k && g.k > 0 ? 'k' : 'batch';
    return { m: g.m, n: g.n, k: g.k, count: g.count, batch: g.batch ?? 1, scales };
  });
}

/**
 * Least-squares line t ~= fixedS + perSequenceS * b through t(b) at integer b from 1 to
 * `upTo` (at least 2; at most 64 evenly spaced points), the range the policies use.
 */
export function affineFit(timeS: (b: number) => number, upTo: number): { fixedS: number; perSequenceS: number } {
  const hi = Math.max(2, Math.floor(upTo));
  const points = Math.min(64, hi);
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < points; i++) {
    const b = points === hi ? i + 1 : Math.round(1 + ((hi - 1) * i) / (points - 1));
    const t = timeS(b);
    sx += b;
    sy += t;
    sxx += b * b;
    sxy += b * t;
  }
  const perSequenceS = (points * sxy - sx * sy) / (points * sxx - sx * sx);
  const fixedS = (sy - perSequenceS * sx) / points;
  return { fixedS, perSequenceS };
}
