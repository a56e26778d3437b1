import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeGpu, type Gpu, openGpu } from '../src/gpu/open.js';
import { allCandidateConfigs } from '../src/kernels/candidates.js';
import type { MatmulKernel } from '../src/kernels/kernel.js';
import { matmul } from '../src/kernels/matmul.js';
import { randomMatrix } from '../src/kernels/random.js';
import { referenceMatmul, verifyMatmul } from '../src/kernels/reference.js';
import { configName, limitProblem, parseConfigName, tiledKernel } from '../src/kernels/tiled.js';

// Edge shapes: non-multiples of every tile dimension in the candidate space. The first three
// have n or k odd (scalar-load path); the last has n and k multiples of 4 but of no tile size
// (vec4 path). Sizes stay small so the whole file costs little GPU time on a software adapter.
const shapes = [
  { m: 1, n: 1, k: 1 },
  { m: 7, n: 13, k: 29 },
  { m: 129, n: 67, k: 131 },
  { m: 33, n: 68, k: 20 },
] as const;

let gpu: Gpu;
beforeAll(async () => {
  gpu = await openGpu({ onWarning: () => {} });
});
afterAll(() => closeGpu(gpu));

// w4x16 puts invocations of different rows into one subgroup (on any subgroup of 8 or more), so
// its shader takes the plain path that guards subgroup sharing on unusual hardware.
const fallback = parseConfigName('f32-w4x16-r8x4-v4-k2-sg');
// B-sharing (-sgb) layouts beyond the candidates: an odd column-group count (tn/4 = 3) on a 2D
// workgroup, and scalar loads with an odd k step on a workgroup of one subgroup.
const sgbExtras = ['f32-w4x4-r3x12-v4-k2-sgb', 'f32-w8x1-r1x8-v1-k3-sgb'].map(parseConfigName);
const extras = [fallback, ...sgbExtras].filter((c): c is NonNullable<typeof c> => c !== null);
const configs = [...allCandidateConfigs('f32'), ...extras].map((c) => [configName(c), c] as const);

it('the extra layouts parse (a typo would silently drop them)', () => {
  expect(extras).toHaveLength(3);
});

/** Multiplies random inputs (seeds `seed`, `seed + 1`) at every edge shape and checks the f32 bound. */
async function expectMatchesReference(kernel: MatmulKernel, label: string, seed: number): Promise<void> {
  for (const shape of shapes) {
    const a = randomMatrix(shape.m * shape.k, seed);
    const b = randomMatrix(shape.k * shape.n, seed + 1);
    const c = await matmul(gpu, a, b, shape, { kernel });
    const v = verifyMatmul(c, referenceMatmul(a, b, shape), shape.k);
    expect(v.ok, `${label} at ${shape.m}x${shape.n}x${shape.k}: worst ${v.worstRatio}x bound at ${v.worstIndex}`).toBe(
      true,
    );
  }
}

describe('every f32 config the autotuner may pick matches the CPU reference on edge shapes', () => {
  it.each(configs)('%s', async (_name, config) => {
    // A config past this adapter's limits can never be picked here; the tuner filters it out.
    if (limitProblem(config, gpu.limits) !== null || (config.subgroups && !gpu.features.subgroups)) return;
    const kernel = tiledKernel(config);
    await expectMatchesReference(kernel, kernel.name, 3);
  });
});

// The -sgb shaders fall back to a plain path on subgroups narrower than tn/4 (or with lanes
// 0..tn/4-1 inactive); no common adapter takes it, so force it here.
describe('the -sgb plain fallback path matches the CPU reference on edge shapes', () => {
  it.each(['f32-w8x8-r4x28-v4-k4-sgb', 'f32-w4x4-r3x12-v4-k2-sgb'])('%s', async (name) => {
    const config = parseConfigName(name);
    expect(config).not.toBeNull();
    if (!config || !gpu.features.subgroups) return;
    await expectMatchesReference(tiledKernel(config, { forcePlain: true }), `${name} (plain)`, 5);
  });
});
