import type { MatmulShape } from './kernel.js';

/** Unit roundoff of f32 (round-to-nearest): 2^-24. */
export const F32_UNIT_ROUNDOFF = 2 ** -24;

/**
 * CPU reference C = A x B in f64, plus the per-element magnitude sum |A||B| that the error
 * bound needs. i-k-j loop order so the inner loop streams rows of B and C.
 */
export function referenceMatmul(
  a: Float32Array,
  b: Float32Array,
  { m, n, k }: MatmulShape,
): { c: Float64Array; magnitude: Float64Array } {
  const c = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const rowOut = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p] ?? 0;
      const absA = Math.abs(aip);
      const rowB = p * n;
      for (let j = 0; j < n; j++) {
        const bpj = b[rowB + j] ?? 0;
        c[rowOut + j] = (c[rowOut + j] ?? 0) + aip * bpj;
        magnitude[rowOut + j] = (magnitude[rowOut + j] ?? 0) + absA * Math.abs(bpj);
      }
    }
  }
  return { c, magnitude };
}

/**
 * The documented error bound for an f32 GPU result with f32 accumulation (any summation order,
 * fma or not): |C_gpu - C_exact| <= gamma(k+1) * sum_p |A_ip||B_pj|, gamma(j) = j*u / (1 - j*u),
 * u = 2^-24 (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., eq. 3.5, plus one
 * rounding for the store). Inputs are exact f32 values on both sides, so the bound is tight
 * enough to catch any indexing or tiling bug, which shows up as an O(|C|) error.
 */
export function f32ErrorBound(k: number, magnitude: number): number {
  const ku = (k + 1) * F32_UNIT_ROUNDOFF;
  return (ku / (1 - ku)) * magnitude;
}

export interface Verification {
  readonly ok: boolean;
  /** Largest |gpu - ref| / bound over all elements (<= 1 passes). */
  readonly worstRatio: number;
  readonly worstIndex: number;
  readonly maxAbsError: number;
}

/** Checks every element of a GPU result against the reference within f32ErrorBound. */
export function verifyMatmul(
  gpu: Float32Array,
  reference: { c: Float64Array; magnitude: Float64Array },
  k: number,
): Verification {
  let worstRatio = 0;
  let worstIndex = -1;
  let maxAbsError = 0;
  for (let i = 0; i < reference.c.length; i++) {
    const got = gpu[i] ?? Number.NaN;
    const err = Math.abs(got - (reference.c[i] ?? 0));
    // The smallest normal f32 keeps an all-zero row (bound 0) from failing on a -0 or subnormal.
    const bound = f32ErrorBound(k, reference.magnitude[i] ?? 0) + 1.2e-38;
    const ratio = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err / bound;
    if (err > maxAbsError || Number.isNaN(err)) maxAbsError = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worstIndex = i;
    }
  }
  if (gpu.length !== reference.c.length)
    return { ok: false, worstRatio: Number.POSITIVE_INFINITY, worstIndex: -1, maxAbsError };
  return { ok: worstRatio <= 1, worstRatio, worstIndex, maxAbsError };
}
