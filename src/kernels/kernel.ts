/** A matmul problem C[m x n] = A[m x k] x B[k x n], all row-major. */
export interface MatmulShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

export type KernelDtype = 'f32' | 'f16';

/** What a kernel generator returns for one shape: WGSL with sizes baked in, and its grid. */
export interface KernelPlan {
  readonly label: string;
  readonly code: string;
  readonly workgroups: readonly [number, number, number];
}

/**
 * A matmul kernel family member. Bindings are fixed for all kernels:
 * @binding(0) A (read), @binding(1) B (read), @binding(2) C (read_write), all in group 0.
 * f32 kernels take array<f32> inputs; f16 kernels take array<f16> A and B with f32 accumulation
 * and f32 C.
 */
export interface MatmulKernel {
  readonly name: string;
  readonly dtype: KernelDtype;
  /** Throws UsageError when the shape cannot run within `limits` (e.g. dispatch size). */
  plan(shape: MatmulShape, limits: GPUSupportedLimits): KernelPlan;
}

export function flopsOf(shape: MatmulShape): number {
  return 2 * shape.m * shape.n * shape.k;
}

export function shapeKey(shape: MatmulShape): string {
  return `${shape.m}x${shape.n}x${shape.k}`;
}
