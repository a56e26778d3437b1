import type { MatmulShape } from './kernel.js';

/**
 * Shape classes let the many GEMM shapes of a training step share a few tunings: each of m, n,
 * k is rounded up to a power of two, so 1000x1000x1000 and 1024x1024x1024 share one choice,
 * while a skinny 8192x64x1024 keeps its own (the best tile differs a lot between the two).
 */
export function shapeClass(shape: MatmulShape): string {
  return `m${bucket(shape.m)}-n${bucket(shape.n)}-k${bucket(shape.k)}`;
}

export function bucket(dim: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, dim)));
}

/**
 * The shape a class is tuned on: its bucket sizes, each capped at `cap` so that tuning stays
 * quick (on a CPU adapter a 4096^3 product takes seconds; past the cap, speed is flat anyway).
 */
export function representativeShape(shape: MatmulShape, cap: number): MatmulShape {
  return { m: Math.min(bucket(shape.m), cap), n: Math.min(bucket(shape.n), cap), k: Math.min(bucket(shape.k), cap) };
}
