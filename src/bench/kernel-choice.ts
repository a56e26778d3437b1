import { kernelFor } from '../kernels/select.js';
import type { KernelChooser } from './unit-executor.js';

/** The kernel the straggler benchmark uses for each GEMM shape: the tuned choice, as everywhere. */
export function kernelChooser(): KernelChooser {
  return (gpu, shape) => kernelFor(gpu, shape, 'f32');
}
