import type { MatmulShape } from '../kernels/kernel.js';
import { recomputesFully } from '../workload/shape.js';
import type { WorkloadSpec } from '../workload/types.js';

/**
 * The local stand-in for a training step: one transformer layer's GEMMs (forward, recompute
 * when the workload recomputes, and both backward GEMMs of each), with every dimension divided
 * by one scale factor so that the work fits a small local budget while keeping the layer's
 * proportions (the FFN stays ffn/hidden times wider than attention's projections, the weight
 * gradients keep tokens as their reduction dimension).
 *
 * A "unit" is that GEMM list at `tokens` token rows. Attention's per-head score/context
 * products and the LM head are left out: they are a small share of a 70B layer's FLOPs and
 * would only add tiny dispatches; the model (src/model) still counts them.
 */
export interface LocalUnit {
  /** Divisor applied to the workload's dimensions. */
  readonly scale: number;
  /** Token rows of a full unit. */
  readonly tokens: number;
  readonly gemms: readonly LocalGemm[];
  readonly flops: number;
}

export interface LocalGemm {
  readonly name: string;
  /** The shape at `tokens` token rows. */
  readonly shape: MatmulShape;
}

/**
 * Target width of the scaled hidden dimension: small on a software adapter (a unit then takes
 * a few milliseconds, so a class's work can be many whole units), larger on a GPU.
 */
export function localHiddenTarget(software: boolean): number {
  return software ? 64 : 1024;
}

/**
 * Token rows of a unit: at least 128, one block of the tuned kernels' tiles, so that a unit's
 * GEMMs are not mostly padding; at most seqLen/scale or 4x hidden.
 */
export const MIN_UNIT_TOKENS = 128;

export function localUnit(w: WorkloadSpec, hiddenTarget: number): LocalUnit {
  // Power-of-two scale so hidden/scale lands at or just above the target.
  const scale = Math.max(1, 2 ** Math.floor(Math.log2(Math.max(1, w.hidden / hiddenTarget))));
  const dim = (x: number): number => Math.max(1, Math.round(x / scale));
  const h = dim(w.hidden);
  const kv = dim((w.hidden / w.heads) * w.kvHeads);
  const f = dim(w.ffnHidden);
  const tokens = Math.max(MIN_UNIT_TOKENS, Math.min(dim(w.seqLen), 4 * h));
  const forward: { name: string; n: number; k: number }[] = [
    { name: 'qkv-proj', n: h + 2 * kv, k: h },
    { name: 'out-proj', n: h, k: h },
    { name: 'mlp-gate-up', n: 2 * f, k: h },
    { name: 'mlp-down', n: h, k: f },
  ];
  const gemms: LocalGemm[] = [];
  const passes = recomputesFully(w) ? 2 : 1;
  for (let p = 0; p < passes; p++) {
    for (const g of forward)
      gemms.push({ name: p === 0 ? g.name : `${g.name}.recompute`, shape: { m: tokens, n: g.n, k: g.k } });
  }
  for (const g of forward) {
    // dA = dC B^T: (tokens x k x n); dB = A^T dC: (k x n x tokens).
    gemms.push({ name: `${g.name}.dgrad`, shape: { m: tokens, n: g.k, k: g.n } });
    gemms.push({ name: `${g.name}.wgrad`, shape: { m: g.k, n: g.n, k: tokens } });
  }
  return { scale, tokens, gemms, flops: gemms.reduce((s, g) => s + 2 * g.shape.m * g.shape.n * g.shape.k, 0) };
}

/** Whole units a fractional amount of work runs as: rounded, and at least one. */
export function wholeUnits(units: number): number {
  return Math.max(1, Math.round(units));
}
