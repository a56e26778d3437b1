import type { KernelChooser } from './unit-executor.js';
import { naiveKernel } from '../kernels/naive.js';

/** The kernel the straggler benchmark uses for each GEMM shape. */
export function kernelChooser(): KernelChooser {
  return () => Promise.resolve(naiveKernel);
}
