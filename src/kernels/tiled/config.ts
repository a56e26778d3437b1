import type { KernelDtype } from '../kernel.js';

/**
 * Where the invocations of a workgroup read A and B from on their way to the register tile.
 *
 * - `global`: every invocation reads global memory itself, `kStep` k values per unrolled inner
 *   step (name `-k<kStep>`).
 * - `workgroup`: the workgroup stages tiles of A and B of depth `kStep` in workgroup memory, in
 *   one buffer or two (double-buffered: load tile t+1 while computing tile t; name
 *   `-s<kStep>x<buffers>`).
 */
export type TiledMemory = GlobalMemory | WorkgroupMemory;

export interface GlobalMemory {
  readonly kind: 'global';
  /** k values per unrolled inner step. */
  readonly kStep: number;
}

export interface WorkgroupMemory {
  readonly kind: 'workgroup';
  /** Depth (k values) of one staged tile. */
  readonly kStep: number;
  readonly buffers: 1 | 2;
}

/**
 * The operand a subgroup shares through broadcasts instead of every invocation loading it (needs
 * the `subgroups` feature). Where a compiler runs invocations as SIMD lanes (lavapipe), every
 * per-invocation load is a gather, and sharing cuts the loads per FMA. Both shaders check at run
 * time that the subgroup can share and otherwise take a plain path, so they are correct for any
 * subgroup layout.
 *
 * - `a` (name `-sg`): invocations of one subgroup that own the same rows load one row each and
 *   broadcast it, so each loads 1 element of A per k instead of tm. Needs a subgroup that shares
 *   its rows and is at least min(tm, 8) wide.
 * - `b` (name `-sgb`): every invocation of a workgroup owns the same tn columns, and invocation t
 *   (of wgX*wgY) owns rows blockRow + t + i*wgX*wgY. Per k, lane l loads the vec4 of B at column
 *   group l % (tn/4) and every lane takes column group j from lane j, so each lane gathers one
 *   vec4 of B per k instead of tn/4. Needs at least tn/4 lanes with lanes 0..tn/4-1 active
 *   (checked with a ballot), whatever the subgroup layout, since all lanes share the columns.
 */
export type SubgroupShare = 'a' | 'b';

/**
 * Parameters of one member of the generated matmul family. Every size is baked into the WGSL
 * (M, N, K, tile sizes, loop counts), so the compiler sees constants and fully unrolled loops.
 *
 * Layout: a workgroup of wgX x wgY invocations computes a block of (wgY*tm) rows x (wgX*tn)
 * columns of C. Invocation (x, y) owns rows  blockRow + y + i*wgY  (i < tm) and the vec4 column
 * groups  blockCol4 + x + j*wgX  (j < tn/4): neighbouring invocations touch neighbouring
 * addresses (coalesced on GPUs), and with wgY = 1 every row index is workgroup-uniform, which
 * lets a SIMD-over-invocations compiler (lavapipe) load A once and broadcast it. B-sharing
 * configs lay rows out differently (SubgroupShare).
 *
 * Subgroup sharing replaces workgroup memory: a config stages tiles in workgroup memory or
 * shares an operand through subgroups, never both, and the type says so.
 */
export type TiledConfig = GlobalTiledConfig | WorkgroupTiledConfig;

export interface GlobalTiledConfig extends RegisterTiling {
  readonly memory: GlobalMemory;
  /** The operand shared through subgroup broadcasts, or null for none. */
  readonly subgroups: SubgroupShare | null;
}

export interface WorkgroupTiledConfig extends RegisterTiling {
  readonly memory: WorkgroupMemory;
  readonly subgroups: null;
}

/** What every config has: element type, workgroup shape, register tile and load width. */
export interface RegisterTiling {
  readonly dtype: KernelDtype;
  /** Invocations per workgroup along columns (x) and rows (y). */
  readonly wgX: number;
  readonly wgY: number;
  /** Register tile per invocation: tm rows x tn columns (tn a multiple of 4: columns are vec4). */
  readonly tm: number;
  readonly tn: number;
  /** Load A and B (and store C) as vec4 where the shape's alignment allows; else scalar. */
  readonly vec4: boolean;
}

const SUBGROUP_SUFFIX = { a: '-sg', b: '-sgb' } as const satisfies Record<SubgroupShare, string>;

/**
 * Short stable name, e.g. `f32-w64x1-r8x8-v4-k8` or `f32-w16x16-r8x8-v4-s8x2`. Names key the
 * tuning cache: never change how a config is named.
 */
export function configName(c: TiledConfig): string {
  const mem = c.memory.kind === 'workgroup' ? `s${c.memory.kStep}x${c.memory.buffers}` : `k${c.memory.kStep}`;
  const share = c.subgroups === null ? '' : SUBGROUP_SUFFIX[c.subgroups];
  return `${c.dtype}-w${c.wgX}x${c.wgY}-r${c.tm}x${c.tn}-${c.vec4 ? 'v4' : 'v1'}-${mem}${share}`;
}

const NAME_RE = /^(f32|f16)-w(\d+)x(\d+)-r(\d+)x(\d+)-(v4|v1)-(?:k(\d+)|s(\d+)x([12]))(-sgb?)?$/;

/** Inverse of configName; null for anything that is not a valid config name. */
export function parseConfigName(name: string): TiledConfig | null {
  const m = NAME_RE.exec(name);
  if (!m) return null;
  const tiling: RegisterTiling = {
    dtype: m[1] === 'f16' ? 'f16' : 'f32',
    wgX: Number(m[2]),
    wgY: Number(m[3]),
    tm: Number(m[4]),
    tn: Number(m[5]),
    vec4: m[6] === 'v4',
  };
  const share: SubgroupShare | null = m[10] === '-sgb' ? 'b' : m[10] === '-sg' ? 'a' : null;
  let config: TiledConfig;
  if (m[8] !== undefined) {
    // Workgroup memory and subgroup sharing exclude each other.
    if (share !== null) return null;
    config = {
      ...tiling,
      memory: { kind: 'workgroup', kStep: Number(m[8]), buffers: m[9] === '2' ? 2 : 1 },
      subgroups: null,
    };
  } else {
    config = { ...tiling, memory: { kind: 'global', kStep: Number(m[7]) }, subgroups: share };
  }
  return configProblem(config) === null ? config : null;
}

/**
 * The config a built-in name denotes. For names written in the source (candidate lists): a bad
 * one is a programming error, so it throws instead of returning null.
 */
export function builtinConfig(name: string): TiledConfig {
  const config = parseConfigName(name);
  if (!config) throw new Error(`built-in kernel config ${JSON.stringify(name)} is not a valid config name`);
  return config;
}

/** Why a config is malformed (independent of any adapter), or null when it is well formed. */
export function configProblem(c: TiledConfig): string | null {
  const ints = [c.wgX, c.wgY, c.tm, c.tn, c.memory.kStep];
  if (!ints.every((v) => Number.isSafeInteger(v) && v >= 1 && v <= 1024))
    return 'sizes must be integers from 1 to 1024';
  if (c.tn % 4 !== 0) return 'tn must be a multiple of 4 (columns are vec4)';
  if (c.subgroups === 'b' && c.tn > 32)
    return 'with B shared through subgroups, tn must be at most 32 (one vec4 per lane of 8)';
  if (c.subgroups === 'a' && c.tm > 8 && c.tm % 8 !== 0)
    return 'with A shared through subgroups, tm must be at most 8 or a multiple of 8';
  if (c.tm * c.tn > 128) return 'register tile larger than 128 accumulators';
  return null;
}

/** Invocations per workgroup. */
export function invocations(c: TiledConfig): number {
  return c.wgX * c.wgY;
}

/** Bytes of workgroup memory the config declares (0 without workgroup memory). */
export function workgroupBytes(c: TiledConfig): number {
  if (c.memory.kind !== 'workgroup') return 0;
  const bm = c.wgY * c.tm;
  const bn = c.wgX * c.tn;
  return (bm + bn) * c.memory.kStep * 4 * c.memory.buffers;
}

/** Why the config cannot run on an adapter with these limits, or null. */
export function limitProblem(c: TiledConfig, limits: GPUSupportedLimits): string | null {
  if (invocations(c) > limits.maxComputeInvocationsPerWorkgroup)
    return `needs ${invocations(c)} invocations per workgroup (limit ${limits.maxComputeInvocationsPerWorkgroup})`;
  if (c.wgX > limits.maxComputeWorkgroupSizeX || c.wgY > limits.maxComputeWorkgroupSizeY)
    return 'workgroup size exceeds the per-dimension limit';
  if (workgroupBytes(c) > limits.maxComputeWorkgroupStorageSize)
    return `needs ${workgroupBytes(c)} bytes of workgroup memory (limit ${limits.maxComputeWorkgroupStorageSize})`;
  return null;
}

/** Why the config cannot run on this adapter (its limits, or a missing feature), or null. */
export function adapterProblem(
  c: TiledConfig,
  adapter: { readonly limits: GPUSupportedLimits; readonly features: { readonly subgroups: boolean } },
): string | null {
  if (c.subgroups !== null && !adapter.features.subgroups) return 'needs the subgroups feature';
  return limitProblem(c, adapter.limits);
}
