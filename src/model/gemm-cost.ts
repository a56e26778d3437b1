import type { Gemm } from '../workload/types.js';

/**
 * Size-dependent GEMM efficiency (fraction of peak FLOP/s a well-tuned library reaches), in
 * the spirit of Calculon's efficiency tables but as one closed form:
 *
 *   eff(m, n, k, batch) = EFF_MAX * fill * depth
 *   fill  = W / (W + W_half),  W = m * n * batch outputs in flight,
 *           W_half = HALF_FILL_OUTPUTS * peak / H100 peak   (a faster GPU needs more work to fill)
 *   depth = k / (k + HALF_DEPTH)   (short reductions, e.g. attention's head dim, pay
 *           the tile prologue/epilogue more often)
 *
 * EFF_MAX 0.8: large BF16 GEMMs on H100 reach about 750-800 of 989 TFLOPS. HALF_FILL_OUTPUTS
 * 2^22 is about one wave of 128x256 output tiles over 132 SMs, where tail effects halve the
 * useful rate. These constants are the model's, documented in docs/model.md; the measured
 * path replaces them with real kernel times.
 */
export const GEMM_EFFICIENCY = {
  max: 0.8,
  halfFillOutputs: 2 ** 22,
  referencePeakTflops: 989.4,
  halfDepth: 32,
} as const;

export function gemmEfficiency(m: number, n: number, k: number, batch: number, peakTflops: number): number {
  const E = GEMM_EFFICIENCY;
  const outputs = m * n * batch;
  const halfFill = (E.halfFillOutputs * peakTflops) / E.referencePeakTflops;
  return E.max * (outputs / (outputs + halfFill)) * (k / (k + E.halfDepth));
}

/** The throughput side of one GPU for the roofline: peak FLOP/s, memory bytes/s, element size. */
export interface Roofline {
  readonly peakFlops: number;
  readonly bandwidthBytes: number;
  readonly elementBytes: number;
}

/**
 * Seconds for one GEMM instance on a roofline: the larger of compute time at the
 * size-dependent efficiency and the time to move A, B and C once through memory.
 *   t = max(2 m n k / (peak * eff), (m k + k n + m n) * e / bandwidth)
 */
export function gemmInstanceS(m: number, n: number, k: number, batch: number, r: Roofline): number {
  const compute = (2 * m * n * k) / (r.peakFlops * gemmEfficiency(m, n, k, batch, r.peakFlops / 1e12));
  const memory = ((m * k + k * n + m * n) * r.elementBytes) / r.bandwidthBytes;
  return Math.max(compute, memory);
}

/** Seconds for all `count` instances of a GEMM. */
export function gemmTimeS(g: Gemm, r: Roofline): number {
  return g.count * gemmInstanceS(g.m, g.n, g.k, g.batch ?? 1, r);
}
