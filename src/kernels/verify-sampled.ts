import type { MatmulShape } from './kernel.js';
import { referenceMatmul, type Verification, verifyMatmul } from './reference.js';

/** Past this many multiply-adds the CPU reference takes seconds; verify a sample of rows instead. */
export const FULL_VERIFY_MAX_MACS = 2 ** 28;

export interface RowVerification extends Verification {
  /** 'full', or how many rows of C were checked. */
  readonly coverage: 'full' | { readonly rows: number };
}

/**
 * Verifies a GPU product against the CPU reference: every element for small problems, else
 * `sampleRows` rows spread evenly over C (first and last included, where edge bugs live).
 */
export function verifyProduct(
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  shape: MatmulShape,
  sampleRows = 32,
): RowVerification {
  const { m, n, k } = shape;
  if (m * n * k <= FULL_VERIFY_MAX_MACS || m <= sampleRows) {
    return { ...verifyMatmul(c, referenceMatmul(a, b, shape), k), coverage: 'full' };
  }
  const rows = Array.from({ length: sampleRows }, (_, i) => Math.round((i * (m - 1)) / (sampleRows - 1)));
  const subA = new Float32Array(rows.length * k);
  const subC = new Float32Array(rows.length * n);
  rows.forEach((row, i) => {
    subA.set(a.subarray(row * k, (row + 1) * k), i * k);
    subC.set(c.subarray(row * n, (row + 1) * n), i * n);
  });
  const result = verifyMatmul(subC, referenceMatmul(subA, b, { m: rows.length, n, k }), k);
  return { ...result, coverage: { rows: rows.length } };
}
