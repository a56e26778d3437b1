import { UsageError } from '../errors.js';
import type { KernelDtype, KernelPlan, MatmulKernel, MatmulShape } from './kernel.js';
import { checkGrid } from './naive.js';

/**
 * Parameters of one member of the generated matmul family. Every size is baked into the WGSL
 * (M, N, K, tile sizes, loop counts), so the compiler sees constants and fully unrolled loops.
 *
 * Layout: a workgroup of wgX x wgY invocations computes a block of (wgY*tm) rows x (wgX*tn)
 * columns of C. Invocation (x, y) owns rows  blockRow + y + i*wgY  (i < tm) and the vec4 column
 * groups  blockCol4 + x + j*wgX  (j < tn/4): neighbouring invocations touch neighbouring
 * addresses (coalesced on GPUs), and with wgY = 1 every row index is workgroup-uniform, which
 * lets a SIMD-over-invocations compiler (lavapipe) load A once and broadcast it.
 */
export interface TiledConfig {
  readonly dtype: KernelDtype;
  /** Invocations per workgroup along columns (x) and rows (y). */
  readonly wgX: number;
  readonly wgY: number;
  /** Register tile per invocation: tm rows x tn columns (tn a multiple of 4: columns are vec4). */
  readonly tm: number;
  readonly tn: number;
  /** Load A and B (and store C) as vec4 where the shape's alignment allows; else scalar. */
  readonly vec4: boolean;
  /** Stage tiles of A and B in workgroup memory (false: every invocation reads global memory). */
  readonly shared: boolean;
  /** K-step: k values per unrolled inner step (the shared tile depth when `shared`). */
  readonly kStep: number;
  /** Workgroup-memory buffers: 2 = double-buffered (load tile t+1 while computing tile t). */
  readonly buffers: 1 | 2;
  /**
   * Share A through subgroup broadcasts (needs the `subgroups` feature, no workgroup memory).
   * Invocations of one subgroup that own the same rows load one row each and broadcast it, so
   * each loads 1 element of A per k instead of tm. Where a compiler runs invocations as SIMD
   * lanes (lavapipe), every per-invocation load is a gather and this cuts the loads per FMA.
   * The shader checks at run time that the subgroup shares its rows and is at least tm wide,
   * and otherwise takes the plain path, so it is correct for any subgroup layout.
   */
  readonly subgroups: boolean;
  /**
   * Share B instead of A through subgroup broadcasts (needs `subgroups`; name suffix `-sgb`).
   * Layout: every invocation of a workgroup owns the same tn columns, and invocation t (of
   * wgX*wgY) owns rows blockRow + t + i*wgX*wgY. Per k, lane l of a subgroup loads the vec4 of B
   * at column group l % (tn/4) and every lane takes column group j from lane j, so each lane
   * gathers one vec4 of B per k instead of tn/4. The broadcast source lanes 0..tn/4-1 always
   * hold the right values when the subgroup has at least tn/4 lanes and lanes 0..tn/4-1 are
   * active (checked at run time with a ballot, with the plain path otherwise), whatever the
   * subgroup layout, since all lanes share the columns.
   */
  readonly shareB?: boolean;
}

/** Short stable name, e.g. `f32-w64x1-r8x8-v4-k8` or `f32-w16x16-r8x8-v4-s8x2`. */
export function configName(c: TiledConfig): string {
  const mem = c.shared ? `s${c.kStep}x${c.buffers}` : `k${c.kStep}`;
  return `${c.dtype}-w${c.wgX}x${c.wgY}-r${c.tm}x${c.tn}-${c.vec4 ? 'v4' : 'v1'}-${mem}${c.subgroups ? (c.shareB ? '-sgb' : '-sg') : ''}`;
}

const NAME_RE = /^(f32|f16)-w(\d+)x(\d+)-r(\d+)x(\d+)-(v4|v1)-(?:k(\d+)|s(\d+)x([12]))(-sgb?)?$/;

/** Inverse of configName; null for anything that is not a valid config name. */
export function parseConfigName(name: string): TiledConfig | null {
  const m = NAME_RE.exec(name);
  if (!m) return null;
  const shared = m[8] !== undefined;
  const config: TiledConfig = {
    dtype: m[1] as KernelDtype,
    wgX: Number(m[2]),
    wgY: Number(m[3]),
    tm: Number(m[4]),
    tn: Number(m[5]),
    vec4: m[6] === 'v4',
    shared,
    kStep: Number(shared ? m[8] : m[7]),
    buffers: shared && m[9] === '2' ? 2 : 1,
    subgroups: m[10] !== undefined,
    ...(m[10] === '-sgb' ? { shareB: true } : {}),
  };
  return configProblem(config) === null ? config : null;
}

/** Why a config is malformed (independent of any adapter), or null when it is well formed. */
export function configProblem(c: TiledConfig): string | null {
  const ints = [c.wgX, c.wgY, c.tm, c.tn, c.kStep];
  if (!ints.every((v) => Number.isSafeInteger(v) && v >= 1 && v <= 1024))
    return 'sizes must be integers from 1 to 1024';
  if (c.tn % 4 !== 0) return 'tn must be a multiple of 4 (columns are vec4)';
  if (c.dtype !== 'f32' && c.dtype !== 'f16') return 'dtype must be f32 or f16';
  if (c.buffers !== 1 && c.buffers !== 2) return 'buffers must be 1 or 2';
  if (!c.shared && c.buffers !== 1) return 'double-buffering needs shared';
  if (c.subgroups && c.shared) return 'subgroup sharing replaces workgroup memory; use one or the other';
  if (c.shareB && !c.subgroups) return 'shareB needs subgroups';
  if (c.shareB && c.tn > 32) return 'with shareB, tn must be at most 32 (one vec4 per lane of 8)';
  if (c.subgroups && !c.shareB && c.tm > 8 && c.tm % 8 !== 0)
    return 'with subgroups, tm must be at most 8 or a multiple of 8';
  if (c.tm * c.tn > 128) return 'register tile larger than 128 accumulators';
  return null;
}

/** Invocations per workgroup. */
export function invocations(c: TiledConfig): number {
  return c.wgX * c.wgY;
}

/** Bytes of workgroup memory the config declares (0 without `shared`). */
export function workgroupBytes(c: TiledConfig): number {
  if (!c.shared) return 0;
  const bm = c.wgY * c.tm;
  const bn = c.wgX * c.tn;
  return (bm + bn) * c.kStep * 4 * c.buffers;
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

/** A generated kernel: a MatmulKernel whose WGSL is produced from `config` for each shape. */
export interface TiledKernel extends MatmulKernel {
  readonly config: TiledConfig;
}

/** Test hook: generate the subgroup configs' plain (fallback) path only, to check it on any adapter. */
export interface TiledTestOptions {
  readonly forcePlain?: boolean;
}

export function tiledKernel(config: TiledConfig, test: TiledTestOptions = {}): TiledKernel {
  const problem = configProblem(config);
  if (problem) throw new UsageError('--kernel', configName(config), problem);
  return {
    name: configName(config),
    dtype: config.dtype,
    config,
    plan(shape: MatmulShape, limits: GPUSupportedLimits): KernelPlan {
      const limit = limitProblem(config, limits);
      if (limit) throw new UsageError('--kernel', configName(config), `cannot run on this adapter: ${limit}.`);
      const workgroups = config.shareB
        ? ([Math.ceil(shape.n / config.tn), Math.ceil(shape.m / (invocations(config) * config.tm)), 1] as const)
        : ([Math.ceil(shape.n / (config.wgX * config.tn)), Math.ceil(shape.m / (config.wgY * config.tm)), 1] as const);
      checkGrid(workgroups, limits, shape);
      return {
        label: `${configName(config)} ${shape.m}x${shape.n}x${shape.k}`,
        code: generateTiledWgsl(config, shape, test),
        workgroups,
      };
    },
  };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * Generates the WGSL of one config for one shape.
 *
 * Edge handling costs nothing in the inner loop: row and column indices are clamped into the
 * matrix once, before the k loop (out-of-range invocations compute a duplicate of a valid
 * element), and only the final stores are guarded. K is baked in, so the k loop runs
 * floor(K / kStep) unrolled steps followed by a remainder unrolled at generation time.
 */
export function generateTiledWgsl(
  c: TiledConfig,
  { m: M, n: N, k: K }: MatmulShape,
  test: TiledTestOptions = {},
): string {
  const f16 = c.dtype === 'f16';
  const el = f16 ? 'f16' : 'f32';
  // vec4 global access needs rows of B/C (N) and rows of A (K) to start on a vec4 boundary.
  const vecB = c.vec4 && N % 4 === 0;
  // The shared path's cooperative copies read A one element at a time: keep its binding scalar.
  const vecA = c.vec4 && !c.shared && K % 4 === 0;
  const tn4 = c.tn / 4;
  const sgb = c.shareB === true;
  // Distance between an invocation's rows and between its vec4 column groups.
  const rowStride = sgb ? c.wgX * c.wgY : c.wgY;
  const colStride = sgb ? 1 : c.wgX;
  const bm = rowStride * c.tm;
  const bn4 = sgb ? tn4 : c.wgX * tn4;
  const N4 = Math.ceil(N / 4);
  const L: string[] = [];
  if (f16) L.push('enable f16;');
  if (c.subgroups) {
    L.push('enable subgroups;');
    // The broadcasts sit under a branch on a subgroup-uniform (not workgroup-uniform) value.
    L.push('diagnostic(off, subgroup_uniformity);');
  }
  L.push(`// generated by hetbench src/kernels/tiled.ts: ${configName(c)} for ${M}x${N}x${K}`);
  L.push(`@group(0) @binding(0) var<storage, read> a: array<${vecA ? `vec4<${el}>` : el}>;`);
  L.push(`@group(0) @binding(1) var<storage, read> b: array<${vecB ? `vec4<${el}>` : el}>;`);
  L.push(`@group(0) @binding(2) var<storage, read_write> c: array<${vecB ? 'vec4<f32>' : 'f32'}>;`);
  const cvt = (e: string): string => (f16 ? `f32(${e})` : e);
  const cvt4 = (e: string): string => (f16 ? `vec4<f32>(${e})` : e);

  /** Expression for B[k][col4*4 .. +3] as vec4<f32>, with `col4` a clamped vec4 column index. */
  const loadB = (kExpr: string, colVar: string, j: number | string): string => {
    if (vecB) return cvt4(`b[(${kExpr}) * ${N4}u + ${colVar}]`);
    // Scalar fallback: each lane of the vec4 has its own clamped column (cb_j_l).
    return `vec4<f32>(${range(4)
      .map((l) => cvt(`b[(${kExpr}) * ${N}u + cb_${j}_${l}]`))
      .join(', ')})`;
  };
  /** A[row][k .. k+w-1] as scalars (w = 4 when vecA and the step is aligned). */
  const loadA = (rowVar: string, kExpr: string): string => cvt(`a[${rowVar} + ${kExpr}]`);

  const head: string[] = [];
  head.push(`@compute @workgroup_size(${c.wgX}, ${c.wgY}, 1)`);
  const sgArgs = c.subgroups ? ', @builtin(subgroup_invocation_id) sgid: u32, @builtin(subgroup_size) sgsize: u32' : '';
  head.push(`fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>${sgArgs}) {`);
  if (sgb) {
    head.push(`  let row0 = wid.y * ${bm}u + lid.y * ${c.wgX}u + lid.x;`);
    head.push(`  let col40 = wid.x * ${bn4}u;`);
  } else {
    head.push(`  let row0 = wid.y * ${bm}u + lid.y;`);
    head.push(`  let col40 = wid.x * ${bn4}u + lid.x;`);
  }
  const body: string[] = [];
  for (const i of range(c.tm)) for (const j of range(tn4)) body.push(`  var acc_${i}_${j} = vec4<f32>(0.0);`);

  if (!c.shared) {
    // Clamped row offsets into A (in elements, or vec4s when vecA) and clamped columns of B.
    for (const i of range(c.tm))
      body.push(`  let ar_${i} = min(row0 + ${i * rowStride}u, ${M - 1}u) * ${vecA ? K / 4 : K}u;`);
    for (const j of range(tn4)) {
      if (vecB) body.push(`  let cb_${j} = min(col40 + ${j * colStride}u, ${N4 - 1}u);`);
      else
        for (const l of range(4))
          body.push(`  let cb_${j}_${l} = min((col40 + ${j * colStride}u) * 4u + ${l}u, ${N - 1}u);`);
    }
    if (sgb) {
      // This lane's share of B: column group sgid % tn4 of the workgroup's columns.
      if (vecB) body.push(`  let cb_l = min(col40 + sgid % ${tn4}u, ${N4 - 1}u);`);
      else
        for (const l of range(4)) body.push(`  let cb_l_${l} = min((col40 + sgid % ${tn4}u) * 4u + ${l}u, ${N - 1}u);`);
      // Lanes 0..tn4-1 must exist and be active (all are: no invocation returns early).
      body.push(
        test.forcePlain
          ? '  let share = sgsize == 0u;'
          : `  let share = sgsize >= ${tn4}u && (subgroupBallot(true).x & ${(1 << tn4) - 1}u) == ${(1 << tn4) - 1}u;`,
      );
    }
    // Subgroup sharing assumes subgroups of at least G invocations (8 or tm): common widths are 8 to 128.
    const G = Math.min(c.tm, 8);
    if (c.subgroups && !sgb) {
      // This invocation's share of A: rows (sgid % G) + G*q of the rows its subgroup owns.
      for (const q of range(c.tm / G))
        body.push(
          `  let arl_${q} = min(row0 + ((sgid % ${G}u) + ${G * q}u) * ${c.wgY}u, ${M - 1}u) * ${vecA ? K / 4 : K}u;`,
        );
      body.push(`  let share = sgsize >= ${G}u && subgroupAll(lid.y == subgroupBroadcastFirst(lid.y));`);
    }
    /** One unrolled group of `w` consecutive k values starting at kExpr (+ offset). */
    const step = (kBase: string, offset: number, w: number, sg: boolean): void => {
      const kAt = (u: number): string => (kBase === '' ? `${offset + u}u` : `${kBase} + ${offset + u}u`);
      if (sg && !sgb) {
        // Load one row's values, then take row i's from invocation i of the subgroup.
        for (const q of range(c.tm / G)) {
          if (vecA && w === 4) {
            body.push(
              `    let al_${q} = ${cvt4(`a[arl_${q} + ${kBase === '' ? '' : `${kBase} / 4u + `}${offset / 4}u]`)};`,
            );
          } else {
            for (const u of range(w)) body.push(`    let al_${q}_${u} = ${loadA(`arl_${q}`, kAt(u))};`);
          }
        }
        for (const i of range(c.tm)) {
          const q = Math.floor(i / G);
          if (vecA && w === 4) body.push(`    let av_${i} = subgroupBroadcast(al_${q}, ${i % G}u);`);
          else
            for (const u of range(w)) body.push(`    let av_${i}_${u} = subgroupBroadcast(al_${q}_${u}, ${i % G}u);`);
        }
      }
      // A: with vecA and 4 aligned k values, one vec4 load per row.
      for (const i of range(sg && !sgb ? 0 : c.tm)) {
        if (vecA && w === 4) {
          const idx = kBase === '' ? `${offset / 4}u` : `${kBase} / 4u + ${offset / 4}u`;
          body.push(`    let av_${i} = ${cvt4(`a[ar_${i} + ${idx}]`)};`);
        } else if (vecA) {
          // Only the -sgb fallback's one-k loop takes single k values from a vec4 A.
          for (const u of range(w))
            body.push(`    let av_${i}_${u} = ${cvt(`a[ar_${i} + (${kAt(u)}) / 4u][(${kAt(u)}) % 4u]`)};`);
        } else {
          for (const u of range(w)) body.push(`    let av_${i}_${u} = ${loadA(`ar_${i}`, kAt(u))};`);
        }
      }
      for (const u of range(w)) {
        if (sg && sgb) {
          body.push(`    let bl_${u} = ${loadB(kAt(u), 'cb_l', 'l')};`);
          for (const j of range(tn4)) body.push(`    let bv_${j}_${u} = subgroupBroadcast(bl_${u}, ${j}u);`);
        } else {
          for (const j of range(tn4)) body.push(`    let bv_${j}_${u} = ${loadB(kAt(u), vecB ? `cb_${j}` : '', j)};`);
        }
        for (const i of range(c.tm)) {
          const av = vecA && w === 4 ? `av_${i}[${u}]` : `av_${i}_${u}`;
          for (const j of range(tn4))
            body.push(`    acc_${i}_${j} = fma(vec4<f32>(${av}), bv_${j}_${u}, acc_${i}_${j});`);
        }
      }
    };
    const emitGroups = (kBase: string, count: number, sg: boolean): void => {
      // Split `count` k values into groups of 4 (vec4 A loads) and singles.
      let off = 0;
      while (off < count) {
        const w = vecA && count - off >= 4 && off % 4 === 0 ? 4 : 1;
        body.push('    {');
        step(kBase, off, w, sg);
        body.push('    }');
        off += w;
      }
    };
    // With vecA the step must keep k aligned to 4.
    const ks = vecA ? Math.max(4, Math.floor(c.kStep / 4) * 4) : c.kStep;
    const full = Math.floor(K / ks);
    const rem = K - full * ks;
    const emitK = (sg: boolean): void => {
      if (full > 0) {
        body.push(`  for (var k = 0u; k < ${full * ks}u; k = k + ${ks}u) {`);
        emitGroups('k', ks, sg);
        body.push('  }');
      }
      if (rem > 0) {
        body.push('  {');
        emitGroups(`${full * ks}u`, rem, sg);
        body.push('  }');
      }
    };
    if (c.subgroups) {
      body.push('  if (share) {');
      emitK(true);
      body.push('  } else {');
      if (sgb) {
        // The -sgb fallback (subgroups narrower than tn/4) stays a rolled one-k loop: it only has
        // to be correct, and a second unrolled copy of the body doubles the compile time.
        body.push(`  for (var k = 0u; k < ${K}u; k = k + 1u) {`);
        body.push('    {');
        step('k', 0, 1, false);
        body.push('    }');
        body.push('  }');
      } else {
        emitK(false);
      }
      body.push('  }');
    } else {
      emitK(false);
    }
  } else {
    emitSharedLoop(c, { m: M, n: N, k: K }, L, body, { vecB, el, cvt, cvt4 });
  }

  // Guarded stores: only here do out-of-range rows/columns matter.
  for (const i of range(c.tm)) {
    body.push(`  let r_${i} = row0 + ${i * rowStride}u;`);
    body.push(`  if (r_${i} < ${M}u) {`);
    for (const j of range(tn4)) {
      body.push(`    let cc_${i}_${j} = col40 + ${j * colStride}u;`);
      if (vecB) {
        body.push(`    if (cc_${i}_${j} < ${N4}u) { c[r_${i} * ${N4}u + cc_${i}_${j}] = acc_${i}_${j}; }`);
      } else {
        for (const l of range(4))
          body.push(
            `    if (cc_${i}_${j} * 4u + ${l}u < ${N}u) { c[r_${i} * ${N}u + cc_${i}_${j} * 4u + ${l}u] = acc_${i}_${j}[${l}]; }`,
          );
      }
    }
    body.push('  }');
  }
  body.push('}');
  return [...L, ...head, ...body, ''].join('\n');
}

interface SharedCtx {
  readonly vecB: boolean;
  readonly el: string;
  readonly cvt: (e: string) => string;
  readonly cvt4: (e: string) => string;
}

/**
 * Workgroup-memory tiling: per k tile of depth KT, the workgroup cooperatively copies A's
 * (bm x KT) block (stored k-major, so the compute loop reads a row index per k) and B's
 * (KT x bn) block (vec4) into workgroup memory, then every invocation runs KT unrolled
 * rank-1 updates from it. With two buffers the copy of tile t+1 is issued before computing
 * tile t, and one barrier per tile suffices.
 */
function emitSharedLoop(
  c: TiledConfig,
  { m: M, n: N, k: K }: MatmulShape,
  moduleScope: string[],
  body: string[],
  x: SharedCtx,
): void {
  const KT = c.kStep;
  const bm = c.wgY * c.tm;
  const tn4 = c.tn / 4;
  const bn4 = c.wgX * tn4;
  const N4 = Math.ceil(N / 4);
  const threads = c.wgX * c.wgY;
  const aTile = bm * KT;
  const bTile = KT * bn4;
  const tiles = Math.ceil(K / KT);
  // Workgroup declarations live at module scope, before the entry point.
  moduleScope.push(
    `var<workgroup> sa: array<f32, ${aTile * c.buffers}>;`,
    `var<workgroup> sb: array<vec4<f32>, ${bTile * c.buffers}>;`,
  );
  body.push(`  let tid = lid.y * ${c.wgX}u + lid.x;`);
  body.push(`  let blockRow = wid.y * ${bm}u;`);
  body.push(`  let blockCol4 = wid.x * ${bn4}u;`);

  // The invocations copy a tile of `size` elements in a strided loop: element e = tid + s*threads.
  // Copy loops stay loops: unrolling them only lengthens the compile (lavapipe: seconds).
  const emitStridedCopy = (size: number, element: readonly string[]): void => {
    const count = Math.ceil(size / threads);
    const guard = count * threads > size;
    body.push(`    for (var s = 0u; s < ${count}u; s = s + 1u) {`);
    body.push(`      let e = tid + s * ${threads}u;`);
    if (guard) body.push(`      if (e < ${size}u) {`);
    body.push(...element);
    if (guard) body.push('      }');
    body.push('    }');
  };
  const emitLoad = (tileExpr: string, bufExpr: string): void => {
    // A block: element e = kk * bm + r  (k-major); global A[blockRow + r][t*KT + kk].
    const aIdx = `a[r * ${K}u + min(gk, ${K - 1}u)]`;
    emitStridedCopy(aTile, [
      `      let kk = e / ${bm}u;`,
      `      let r = min(blockRow + e % ${bm}u, ${M - 1}u);`,
      `      let gk = ${tileExpr} * ${KT}u + kk;`,
      `      sa[${bufExpr} * ${aTile}u + e] = select(0.0, ${x.cvt(aIdx)}, gk < ${K}u);`,
    ]);
    // B block: element e = kk * bn4 + c4; global B[t*KT + kk][blockCol4 + c4] as vec4.
    emitStridedCopy(bTile, [
      `      let kk = e / ${bn4}u;`,
      `      let gk = ${tileExpr} * ${KT}u + kk;`,
      `      let kc = min(gk, ${K - 1}u);`,
      ...(x.vecB
        ? [
            `      let c4 = min(blockCol4 + e % ${bn4}u, ${N4 - 1}u);`,
            `      let v = ${x.cvt4(`b[kc * ${N4}u + c4]`)};`,
          ]
        : [
            `      let c0 = (blockCol4 + e % ${bn4}u) * 4u;`,
            `      let v = vec4<f32>(${range(4)
              .map((l) => x.cvt(`b[kc * ${N}u + min(c0 + ${l}u, ${N - 1}u)]`))
              .join(', ')});`,
          ]),
      `      sb[${bufExpr} * ${bTile}u + e] = select(vec4<f32>(0.0), v, gk < ${K}u);`,
    ]);
  };
  const emitCompute = (bufExpr: string): void => {
    for (const kk of range(KT)) {
      body.push('    {');
      for (const i of range(c.tm))
        body.push(`      let av_${i} = vec4<f32>(sa[${bufExpr} * ${aTile}u + ${kk * bm}u + lid.y + ${i * c.wgY}u]);`);
      for (const j of range(tn4))
        body.push(`      let bv_${j} = sb[${bufExpr} * ${bTile}u + ${kk * bn4}u + lid.x + ${j * c.wgX}u];`);
      for (const i of range(c.tm))
        for (const j of range(tn4)) body.push(`      acc_${i}_${j} = fma(av_${i}, bv_${j}, acc_${i}_${j});`);
      body.push('    }');
    }
  };
  if (c.buffers === 1) {
    body.push(`  for (var t = 0u; t < ${tiles}u; t = t + 1u) {`);
    body.push('    workgroupBarrier();');
    emitLoad('t', '0u');
    body.push('    workgroupBarrier();');
    emitCompute('0u');
    body.push('  }');
  } else {
    body.push('  {');
    emitLoad('0u', '0u');
    body.push('  }');
    body.push('  workgroupBarrier();');
    body.push(`  for (var t = 0u; t < ${tiles}u; t = t + 1u) {`);
    body.push('    let cur = t % 2u;');
    body.push(`    if (t + 1u < ${tiles}u) {`);
    emitLoad('(t + 1u)', '(1u - cur)');
    body.push('    }');
    emitCompute('cur');
    body.push('    workgroupBarrier();');
    body.push('  }');
  }
}
