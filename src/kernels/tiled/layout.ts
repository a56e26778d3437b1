import type { MatmulShape } from '../kernel.js';
import type { TiledConfig } from './config.js';

/**
 * Which code a subgroup-sharing shader runs.
 *
 * - `checked` (what tiledKernel generates): the shader checks at run time that its subgroup can
 *   share and otherwise takes its plain path.
 * - `plain-fallback`: a B-sharing (-sgb) shader always takes its plain path. It exists to verify
 *   that fallback (plainFallbackKernel, test/tiled-candidates.test.ts), which no common adapter
 *   takes on its own. An A-sharing (-sg) shader's fallback is reached by layout instead (a
 *   workgroup whose subgroups span several rows, e.g. f32-w4x16-r8x4-v4-k2-sg), so its code is
 *   the same under both; configs without subgroup sharing have no fallback.
 */
export type SubgroupPath = 'checked' | 'plain-fallback';

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** How a workgroup's invocations cover its block of C; depends on the config only. */
export interface BlockLayout {
  /** vec4 column groups of an invocation's register tile (tn / 4). */
  readonly tn4: number;
  /** Distance between an invocation's rows, and between its vec4 column groups. */
  readonly rowStride: number;
  readonly colStride: number;
  /** Rows, and vec4 column groups, of C per workgroup. */
  readonly bm: number;
  readonly bn4: number;
}

export function blockLayout(c: TiledConfig): BlockLayout {
  const tn4 = c.tn / 4;
  // B-sharing: all invocations own the same columns, each its own rows (see SubgroupShare).
  const shareB = c.subgroups === 'b';
  const rowStride = shareB ? c.wgX * c.wgY : c.wgY;
  return {
    tn4,
    rowStride,
    colStride: shareB ? 1 : c.wgX,
    bm: rowStride * c.tm,
    bn4: shareB ? tn4 : c.wgX * tn4,
  };
}

/** Workgroups to dispatch for `shape`: one per block of C. */
export function workgroupGrid(c: TiledConfig, shape: MatmulShape): readonly [number, number, number] {
  const { bm, bn4 } = blockLayout(c);
  return [Math.ceil(shape.n / (bn4 * 4)), Math.ceil(shape.m / bm), 1];
}

/** Everything the WGSL pieces of one config at one shape share. */
export interface TiledShader extends BlockLayout {
  readonly c: TiledConfig;
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** vec4 columns of B and C (rounded up). */
  readonly N4: number;
  /** WGSL element type of A and B. */
  readonly el: 'f32' | 'f16';
  /** A and B (and C with B) bound as vec4 arrays, where config and alignment allow. */
  readonly vecA: boolean;
  readonly vecB: boolean;
  /** An expression of the element type converted to f32 (or vec4<f32>): f16 inputs accumulate in f32. */
  readonly cvt: (e: string) => string;
  readonly cvt4: (e: string) => string;
}

export function tiledShader(c: TiledConfig, { m: M, n: N, k: K }: MatmulShape): TiledShader {
  const f16 = c.dtype === 'f16';
  return {
    ...blockLayout(c),
    c,
    M,
    N,
    K,
    N4: Math.ceil(N / 4),
    el: f16 ? 'f16' : 'f32',
    // vec4 global access needs rows of B/C (N) and rows of A (K) to start on a vec4 boundary.
    vecB: c.vec4 && N % 4 === 0,
    // The workgroup path's cooperative copies read A one element at a time: keep its binding scalar.
    vecA: c.vec4 && c.memory.kind === 'global' && K % 4 === 0,
    cvt: (e) => (f16 ? `f32(${e})` : e),
    cvt4: (e) => (f16 ? `vec4<f32>(${e})` : e),
  };
}
