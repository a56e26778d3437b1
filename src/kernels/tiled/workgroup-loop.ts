import type { WorkgroupMemory } from './config.js';
import { range, type TiledShader } from './layout.js';

/** The workgroup-memory loop: declarations at module scope, and the loop in the entry point. */
export interface WorkgroupLoop {
  readonly moduleScope: readonly string[];
  readonly body: readonly string[];
}

/**
 * Workgroup-memory tiling: per k tile of depth KT, the workgroup cooperatively copies A's
 * (bm x KT) block (stored k-major, so the compute loop reads a row index per k) and B's
 * (KT x bn) block (vec4) into workgroup memory, then every invocation runs KT unrolled
 * rank-1 updates from it. With two buffers the copy of tile t+1 is issued before computing
 * tile t, and one barrier per tile suffices.
 */
export function workgroupLoop(s: TiledShader, memory: WorkgroupMemory): WorkgroupLoop {
  const { c, K, bm, bn4 } = s;
  const KT = memory.kStep;
  const aTile = bm * KT;
  const bTile = KT * bn4;
  const tiles = Math.ceil(K / KT);
  const tile: TileShape = { KT, aTile, bTile, threads: c.wgX * c.wgY };
  const body = [
    `  let tid = lid.y * ${c.wgX}u + lid.x;`,
    `  let blockRow = wid.y * ${bm}u;`,
    `  let blockCol4 = wid.x * ${bn4}u;`,
  ];
  if (memory.buffers === 1) {
    body.push(`  for (var t = 0u; t < ${tiles}u; t = t + 1u) {`, '    workgroupBarrier();');
    body.push(...tileCopy(s, tile, 't', '0u'), '    workgroupBarrier();', ...tileCompute(s, tile, '0u'), '  }');
  } else {
    body.push('  {', ...tileCopy(s, tile, '0u', '0u'), '  }', '  workgroupBarrier();');
    body.push(
      `  for (var t = 0u; t < ${tiles}u; t = t + 1u) {`,
      '    let cur = t % 2u;',
      `    if (t + 1u < ${tiles}u) {`,
    );
    body.push(...tileCopy(s, tile, '(t + 1u)', '(1u - cur)'), '    }', ...tileCompute(s, tile, 'cur'));
    body.push('    workgroupBarrier();', '  }');
  }
  return {
    // Workgroup declarations live at module scope, before the entry point.
    moduleScope: [
      `var<workgroup> sa: array<f32, ${aTile * memory.buffers}>;`,
      `var<workgroup> sb: array<vec4<f32>, ${bTile * memory.buffers}>;`,
    ],
    body,
  };
}

interface TileShape {
  /** Tile depth in k. */
  readonly KT: number;
  /** Elements of A's tile (f32) and of B's tile (vec4<f32>). */
  readonly aTile: number;
  readonly bTile: number;
  readonly threads: number;
}

/**
 * The invocations copy a tile of `size` elements in a strided loop: element e = tid + s*threads.
 * Copy loops stay loops: unrolling them only lengthens the compile (lavapipe: seconds).
 */
function stridedCopy(size: number, threads: number, element: readonly string[]): string[] {
  const count = Math.ceil(size / threads);
  const guard = count * threads > size;
  return [
    `    for (var s = 0u; s < ${count}u; s = s + 1u) {`,
    `      let e = tid + s * ${threads}u;`,
    ...(guard ? [`      if (e < ${size}u) {`] : []),
    ...element,
    ...(guard ? ['      }'] : []),
    '    }',
  ];
}

/** Copies tile `tileExpr` of A and B into buffer `bufExpr` of workgroup memory. */
function tileCopy(s: TiledShader, t: TileShape, tileExpr: string, bufExpr: string): string[] {
  const { M, N, K, N4, bm, bn4, cvt, cvt4 } = s;
  const { KT, aTile, bTile, threads } = t;
  // A block: element e = kk * bm + r  (k-major); global A[blockRow + r][t*KT + kk].
  const aIdx = `a[r * ${K}u + min(gk, ${K - 1}u)]`;
  const a = stridedCopy(aTile, threads, [
    `      let kk = e / ${bm}u;`,
    `      let r = min(blockRow + e % ${bm}u, ${M - 1}u);`,
    `      let gk = ${tileExpr} * ${KT}u + kk;`,
    `      sa[${bufExpr} * ${aTile}u + e] = select(0.0, ${cvt(aIdx)}, gk < ${K}u);`,
  ]);
  // B block: element e = kk * bn4 + c4; global B[t*KT + kk][blockCol4 + c4] as vec4.
  const b = stridedCopy(bTile, threads, [
    `      let kk = e / ${bn4}u;`,
    `      let gk = ${tileExpr} * ${KT}u + kk;`,
    `      let kc = min(gk, ${K - 1}u);`,
    ...(s.vecB
      ? [`      let c4 = min(blockCol4 + e % ${bn4}u, ${N4 - 1}u);`, `      let v = ${cvt4(`b[kc * ${N4}u + c4]`)};`]
      : [
          `      let c0 = (blockCol4 + e % ${bn4}u) * 4u;`,
          `      let v = vec4<f32>(${range(4)
            .map((l) => cvt(`b[kc * ${N}u + min(c0 + ${l}u, ${N - 1}u)]`))
            .join(', ')});`,
        ]),
    `      sb[${bufExpr} * ${bTile}u + e] = select(vec4<f32>(0.0), v, gk < ${K}u);`,
  ]);
  return [...a, ...b];
}

/** KT unrolled rank-1 updates from buffer `bufExpr` of workgroup memory. */
function tileCompute(s: TiledShader, t: TileShape, bufExpr: string): string[] {
  const { c, bm, bn4, tn4 } = s;
  const body: string[] = [];
  for (const kk of range(t.KT)) {
    body.push('    {');
    for (const i of range(c.tm))
      body.push(`      let av_${i} = vec4<f32>(sa[${bufExpr} * ${t.aTile}u + ${kk * bm}u + lid.y + ${i * c.wgY}u]);`);
    for (const j of range(tn4))
      body.push(`      let bv_${j} = sb[${bufExpr} * ${t.bTile}u + ${kk * bn4}u + lid.x + ${j * c.wgX}u];`);
    for (const i of range(c.tm))
      for (const j of range(tn4)) body.push(`      acc_${i}_${j} = fma(av_${i}, bv_${j}, acc_${i}_${j});`);
    body.push('    }');
  }
  return body;
}
