import type { Gpu } from '../gpu/open.js';
import type { MatmulKernel, MatmulShape } from './kernel.js';
import { type RunMatmulOptions, runMatmul, validateOperands } from './run-matmul.js';
import { kernelFor } from './select.js';

// The library's matmul: run-matmul.ts with the tuned kernel as the default. The low-level API is
// re-exported so that a caller of matmul has one module to import.
export {
  MAX_DIMENSION,
  type MatmulTiming,
  type PreparedMatmul,
  prepareMatmul,
  type RunMatmulOptions,
  runMatmul,
  timeMatmul,
  validateOperands,
  validateShape,
} from './run-matmul.js';

export interface MatmulOptions extends RunMatmulOptions {
  /** Kernel to use (default: the tuned kernel for the shape's class, see kernelFor in select.ts). */
  readonly kernel?: MatmulKernel;
}

/**
 * C = A x B on the GPU, row-major, for any m, n, k >= 1, with `options.kernel` or else the tuned
 * kernel for the shape's class. Big products are split into row blocks (runMatmul).
 */
export async function matmul(
  gpu: Gpu,
  a: Float32Array,
  b: Float32Array,
  shape: MatmulShape,
  options: MatmulOptions = {},
): Promise<Float32Array> {
  // Bad input fails before any tuning starts.
  validateOperands(a, b, shape);
  const kernel = options.kernel ?? (await kernelFor(gpu, shape, 'f32'));
  return runMatmul(gpu, kernel, a, b, shape, options);
}
