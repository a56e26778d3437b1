import type { GlobalMemory, SubgroupShare } from './config.js';
import { range, type SubgroupPath, type TiledShader } from './layout.js';

/**
 * The k loop of a config without workgroup memory: every invocation loads its own A rows and B
 * columns from global memory, or, with subgroup sharing, one share of them, broadcast to its
 * subgroup. Row and column indices are clamped into the matrix once, before the loop, so the
 * loop itself has no bounds checks.
 */
export function globalLoop(s: TiledShader, memory: GlobalMemory, path: SubgroupPath): string[] {
  const { c } = s;
  const body = clampedOffsets(s);
  if (c.subgroups === 'b') body.push(...shareBSetup(s, path));
  if (c.subgroups === 'a') body.push(...shareASetup(s));
  if (c.subgroups === null) return [...body, ...kLoop(s, memory, null)];
  body.push('  if (share) {', ...kLoop(s, memory, c.subgroups), '  } else {');
  if (c.subgroups === 'b') {
    // The -sgb fallback (subgroups narrower than tn/4) stays a rolled one-k loop: it only has
    // to be correct, and a second unrolled copy of the body doubles the compile time.
    body.push(`  for (var k = 0u; k < ${s.K}u; k = k + 1u) {`, '    {', ...kGroup(s, 'k', 0, 1, null), '    }', '  }');
  } else {
    body.push(...kLoop(s, memory, null));
  }
  body.push('  }');
  return body;
}

/** Clamped row offsets into A (in elements, or vec4s when vecA) and clamped columns of B. */
function clampedOffsets(s: TiledShader): string[] {
  const { c, M, N, K, N4, vecA, vecB, rowStride, colStride } = s;
  const body: string[] = [];
  for (const i of range(c.tm))
    body.push(`  let ar_${i} = min(row0 + ${i * rowStride}u, ${M - 1}u) * ${vecA ? K / 4 : K}u;`);
  for (const j of range(s.tn4)) {
    if (vecB) body.push(`  let cb_${j} = min(col40 + ${j * colStride}u, ${N4 - 1}u);`);
    else
      for (const l of range(4))
        body.push(`  let cb_${j}_${l} = min((col40 + ${j * colStride}u) * 4u + ${l}u, ${N - 1}u);`);
  }
  return body;
}

/** This lane's share of B (column group sgid % tn4 of the workgroup's columns), and the share check. */
function shareBSetup(s: TiledShader, path: SubgroupPath): string[] {
  const { N, N4, tn4, vecB } = s;
  const body: string[] = [];
  if (vecB) body.push(`  let cb_l = min(col40 + sgid % ${tn4}u, ${N4 - 1}u);`);
  else for (const l of range(4)) body.push(`  let cb_l_${l} = min((col40 + sgid % ${tn4}u) * 4u + ${l}u, ${N - 1}u);`);
  // Lanes 0..tn4-1 must exist and be active (all are: no invocation returns early).
  const lanes = (1 << tn4) - 1;
  body.push(
    path === 'plain-fallback'
      ? '  let share = sgsize == 0u;'
      : `  let share = sgsize >= ${tn4}u && (subgroupBallot(true).x & ${lanes}u) == ${lanes}u;`,
  );
  return body;
}

/** Subgroup sharing of A assumes subgroups of at least this many invocations: common widths are 8 to 128. */
const shareAGroup = (s: TiledShader): number => Math.min(s.c.tm, 8);

/** This invocation's share of A (rows (sgid % G) + G*q of the rows its subgroup owns), and the share check. */
function shareASetup(s: TiledShader): string[] {
  const { c, M, K, vecA } = s;
  const G = shareAGroup(s);
  const body: string[] = [];
  for (const q of range(c.tm / G))
    body.push(
      `  let arl_${q} = min(row0 + ((sgid % ${G}u) + ${G * q}u) * ${c.wgY}u, ${M - 1}u) * ${vecA ? K / 4 : K}u;`,
    );
  body.push(`  let share = sgsize >= ${G}u && subgroupAll(lid.y == subgroupBroadcastFirst(lid.y));`);
  return body;
}

/**
 * The unrolled k loop: floor(K / step) steps, then the remainder unrolled at generation time
 * (K is baked in). `broadcast`: the operand this copy of the loop takes from subgroup
 * broadcasts, or null for the plain copy.
 */
function kLoop(s: TiledShader, memory: GlobalMemory, broadcast: SubgroupShare | null): string[] {
  // With vecA the step must keep k aligned to 4.
  const ks = s.vecA ? Math.max(4, Math.floor(memory.kStep / 4) * 4) : memory.kStep;
  const full = Math.floor(s.K / ks);
  const rem = s.K - full * ks;
  const body: string[] = [];
  if (full > 0)
    body.push(`  for (var k = 0u; k < ${full * ks}u; k = k + ${ks}u) {`, ...kGroups(s, 'k', ks, broadcast), '  }');
  if (rem > 0) body.push('  {', ...kGroups(s, `${full * ks}u`, rem, broadcast), '  }');
  return body;
}

/** `count` k values from kBase, in groups of 4 (vec4 A loads) where aligned, else singly. */
function kGroups(s: TiledShader, kBase: string, count: number, broadcast: SubgroupShare | null): string[] {
  const body: string[] = [];
  let off = 0;
  while (off < count) {
    const w = s.vecA && count - off >= 4 && off % 4 === 0 ? 4 : 1;
    body.push('    {', ...kGroup(s, kBase, off, w, broadcast), '    }');
    off += w;
  }
  return body;
}

/** One unrolled group of `w` consecutive k values at kBase + offset: loads, then rank-1 updates. */
function kGroup(s: TiledShader, kBase: string, offset: number, w: number, broadcast: SubgroupShare | null): string[] {
  const { c, vecA, vecB, tn4 } = s;
  const kAt = (u: number): string => `${kBase} + ${offset + u}u`;
  const wide = vecA && w === 4;
  const body = broadcast === 'a' ? broadcastRowsOfA(s, kBase, offset, w) : ownRowsOfA(s, kBase, offset, w);
  for (const u of range(w)) {
    if (broadcast === 'b') {
      body.push(`    let bl_${u} = ${loadB(s, kAt(u), 'cb_l', 'l')};`);
      for (const j of range(tn4)) body.push(`    let bv_${j}_${u} = subgroupBroadcast(bl_${u}, ${j}u);`);
    } else {
      for (const j of range(tn4)) body.push(`    let bv_${j}_${u} = ${loadB(s, kAt(u), vecB ? `cb_${j}` : '', j)};`);
    }
    for (const i of range(c.tm)) {
      const av = wide ? `av_${i}[${u}]` : `av_${i}_${u}`;
      for (const j of range(tn4)) body.push(`    acc_${i}_${j} = fma(vec4<f32>(${av}), bv_${j}_${u}, acc_${i}_${j});`);
    }
  }
  return body;
}

/** A for the invocation's own rows: with vecA and 4 aligned k values, one vec4 load per row. */
function ownRowsOfA(s: TiledShader, kBase: string, offset: number, w: number): string[] {
  const { c, vecA, cvt, cvt4 } = s;
  const kAt = (u: number): string => `${kBase} + ${offset + u}u`;
  const body: string[] = [];
  for (const i of range(c.tm)) {
    if (vecA && w === 4) {
      body.push(`    let av_${i} = ${cvt4(`a[ar_${i} + ${kBase} / 4u + ${offset / 4}u]`)};`);
    } else if (vecA) {
      // Only the -sgb fallback's one-k loop takes single k values from a vec4 A.
      for (const u of range(w))
        body.push(`    let av_${i}_${u} = ${cvt(`a[ar_${i} + (${kAt(u)}) / 4u][(${kAt(u)}) % 4u]`)};`);
    } else {
      for (const u of range(w)) body.push(`    let av_${i}_${u} = ${cvt(`a[ar_${i} + ${kAt(u)}]`)};`);
    }
  }
  return body;
}

/** A shared through the subgroup: load one row's values, then take row i's from invocation i % G. */
function broadcastRowsOfA(s: TiledShader, kBase: string, offset: number, w: number): string[] {
  const { c, vecA, cvt, cvt4 } = s;
  const G = shareAGroup(s);
  const wide = vecA && w === 4;
  const body: string[] = [];
  for (const q of range(c.tm / G)) {
    if (wide) body.push(`    let al_${q} = ${cvt4(`a[arl_${q} + ${kBase} / 4u + ${offset / 4}u]`)};`);
    else
      for (const u of range(w)) body.push(`    let al_${q}_${u} = ${cvt(`a[arl_${q} + ${kBase} + ${offset + u}u]`)};`);
  }
  for (const i of range(c.tm)) {
    const q = Math.floor(i / G);
    if (wide) body.push(`    let av_${i} = subgroupBroadcast(al_${q}, ${i % G}u);`);
    else for (const u of range(w)) body.push(`    let av_${i}_${u} = subgroupBroadcast(al_${q}_${u}, ${i % G}u);`);
  }
  return body;
}

/**
 * B[k][col4*4 .. +3] as vec4<f32>: one vec4 load at the clamped vec4 column `colVar`, or, with
 * scalar B, four loads at the clamped columns cb_<j>_<lane>.
 */
function loadB(s: TiledShader, kExpr: string, colVar: string, j: number | string): string {
  if (s.vecB) return s.cvt4(`b[(${kExpr}) * ${s.N4}u + ${colVar}]`);
  return `vec4<f32>(${range(4)
    .map((l) => s.cvt(`b[(${kExpr}) * ${s.N}u + cb_${j}_${l}]`))
    .join(', ')})`;
}
