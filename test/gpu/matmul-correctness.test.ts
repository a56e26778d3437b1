import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeGpu, type Gpu, matmul, openGpu, referenceMatmul, verifyMatmul } from '../../src/index.js';
import { naiveKernel } from '../../src/kernels/naive.js';
import { randomMatrix } from '../../src/kernels/random.js';

// Shapes chosen to break tiling assumptions: 1x1x1, primes, k = 1, tall/skinny, wide/short,
// one past a power of two, and one large case. Inputs are seeded, so a failure replays.
const shapes: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [7, 13, 29],
  [257, 129, 65],
  [64, 64, 1],
  [1, 300, 1],
  [300, 1, 300],
  [1, 1, 4096],
  [2048, 3, 5],
  [3, 2048, 7],
  [17, 19, 23],
  [33, 65, 129],
  [100, 100, 100],
  [128, 128, 128],
  [255, 257, 3],
  [31, 1, 999],
  [513, 511, 67],
  [640, 768, 512],
];

let gpu: Gpu;
beforeAll(async () => {
  gpu = await openGpu();
});
afterAll(() => closeGpu(gpu));

describe('matmul(gpu, a, b, { m, n, k }) against the CPU reference, within the f32 error bound', () => {
  it.each(shapes)('%i x %i x %i (reference kernel)', async (m, n, k) => {
    const a = randomMatrix(m * k, m * 7919 + k);
    const b = randomMatrix(k * n, n * 104729 + k);
    const c = await matmul(gpu, a, b, { m, n, k }, { kernel: naiveKernel });
    expect(c).toBeInstanceOf(Float32Array);
    expect(c.length).toBe(m * n);
    const check = verifyMatmul(c, referenceMatmul(a, b, { m, n, k }), k);
    expect(check.worstRatio).toBeLessThanOrEqual(1);
    expect(check.ok).toBe(true);
  });

  it('catches a wrong product: a transposed B fails verification', async () => {
    const [m, n, k] = [9, 9, 9];
    const a = randomMatrix(m * k, 1);
    const b = randomMatrix(k * n, 2);
    const bt = new Float32Array(k * n);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) bt[j * k + i] = b[i * n + j] ?? 0;
    const c = await matmul(gpu, a, bt, { m, n, k }, { kernel: naiveKernel });
    expect(verifyMatmul(c, referenceMatmul(a, b, { m, n, k }), k).ok).toBe(false);
  });
});
