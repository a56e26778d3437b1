import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeGpu, type Gpu, matmul, openGpu, referenceMatmul, UsageError, verifyMatmul } from '../../src/index.js';
import { naiveKernel } from '../../src/kernels/naive.js';
import { randomMatrix } from '../../src/kernels/random.js';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await openGpu();
});
afterAll(() => closeGpu(gpu));

// A binding cap far below the adapter's forces the row-block path that big problems take
// past maxStorageBufferBindingSize; results must not change.
describe('matmul past the binding size limit', () => {
  it.each([
    [100, 37, 41, 8192],
    [257, 64, 33, 16384],
    [65, 3, 300, 8000],
  ])('%i x %i x %i split into row blocks under a %i-byte cap', async (m, n, k, cap) => {
    const a = randomMatrix(m * k, 11);
    const b = randomMatrix(k * n, 12);
    const c = await matmul(gpu, a, b, { m, n, k }, { kernel: naiveKernel, maxBindingBytes: cap });
    // The cap holds B but not all of A or C, so the product really is split.
    expect(k * n * 4).toBeLessThanOrEqual(cap);
    expect(m * Math.max(n, k) * 4).toBeGreaterThan(2 * cap);
    expect(verifyMatmul(c, referenceMatmul(a, b, { m, n, k }), k).ok).toBe(true);
  });

  it('rejects a B that alone exceeds one binding, naming the sizes and the limit', async () => {
    const [m, n, k] = [4, 64, 64];
    const err = await matmul(
      gpu,
      randomMatrix(m * k, 1),
      randomMatrix(k * n, 2),
      { m, n, k },
      { maxBindingBytes: 1024 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(/64x64.*16384 bytes.*1024.*maxStorageBufferBindingSize/);
  });

  // Library errors name the parameter (the shape's field); the CLI maps it to its flag.
  it.each([
    [{ m: 0, n: 4, k: 4 }, 'm', /^m: got 0; must be an integer from 1/],
    [{ m: 4, n: 2.5, k: 4 }, 'n', /^n: got 2\.5/],
    [{ m: 4, n: 4, k: -3 }, 'k', /^k: got -3/],
  ])('rejects bad sizes %o with a UsageError naming the field', async (shape, field, message) => {
    const err = await matmul(gpu, new Float32Array(16), new Float32Array(16), shape).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).field).toBe(field);
    expect((err as Error).message).toMatch(message);
  });

  it('rejects inputs whose length does not match the shape', async () => {
    const err = await matmul(gpu, new Float32Array(5), new Float32Array(4), { m: 2, n: 2, k: 2 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/A must have m\*k = 4 elements/);
  });
});
