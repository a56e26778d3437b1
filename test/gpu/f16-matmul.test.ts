import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeGpu, type Gpu, openGpu } from '../../src/gpu/open.js';
import { candidateConfigs } from '../../src/kernels/candidates.js';
import { roundToF16 } from '../../src/kernels/f16.js';
import { matmul } from '../../src/kernels/matmul.js';
import { randomMatrix } from '../../src/kernels/random.js';
import { referenceMatmul, verifyMatmul } from '../../src/kernels/reference.js';
import { configName, parseConfigName, tiledKernel } from '../../src/kernels/tiled.js';

// The f16 kernels multiply f16-rounded inputs with f32 accumulation, so their documented bound
// is the f32 bound applied to roundToF16(a) and roundToF16(b) (docs/kernels.md).
const shapes = [
  { m: 7, n: 13, k: 29 },
  { m: 65, n: 36, k: 44 },
] as const;

let gpu: Gpu;
beforeAll(async () => {
  gpu = await openGpu({ onWarning: () => {} });
});
afterAll(() => closeGpu(gpu));

describe('f16 kernels (f16 inputs, f32 accumulation) within the f32 bound on f16-rounded inputs', () => {
  it('the adapter under test has shader-f16 (lavapipe and every current GPU driver do)', () => {
    expect(gpu.features.shaderF16).toBe(true);
  });

  // The software list's first picks (B-shared, A-shared, no subgroups), plus the big-GPU double-buffered tile.
  const picks = [
    'f16-w8x8-r4x28-v4-k4-sgb',
    'f16-w16x16-r8x8-v4-k2-sg',
    'f16-w8x32-r8x4-v4-k2',
    'f16-w16x16-r8x8-v4-s8x2',
  ];
  it.each(picks)('%s', async (name) => {
    const config = parseConfigName(name);
    expect(config).not.toBeNull();
    if (!config) return;
    expect(candidateConfigs('f16', gpu).map(configName)).toContain(name);
    for (const shape of shapes) {
      const a = randomMatrix(shape.m * shape.k, 5);
      const b = randomMatrix(shape.k * shape.n, 6);
      const c = await matmul(gpu, a, b, shape, { kernel: tiledKernel(config) });
      const v = verifyMatmul(c, referenceMatmul(roundToF16(a), roundToF16(b), shape), shape.k);
      expect(v.ok, `${name} at ${shape.m}x${shape.n}x${shape.k}: worst ${v.worstRatio}x bound`).toBe(true);
    }
  });

  it('fails the bound against the unrounded inputs, so the test would see a kernel that ignores f16', async () => {
    const shape = { m: 16, n: 16, k: 64 };
    const a = randomMatrix(shape.m * shape.k, 7);
    const b = randomMatrix(shape.k * shape.n, 8);
    const c = await matmul(gpu, a, b, shape, {
      kernel: tiledKernel(parseConfigName(picks[0] ?? '') ?? (null as never)),
    });
    expect(verifyMatmul(c, referenceMatmul(a, b, shape), shape.k).ok).toBe(false);
  });
});
