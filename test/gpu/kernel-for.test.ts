import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeGpu, type Gpu, openGpu } from '../../src/gpu/open.js';
import { defaultConfig, smallProductConfig } from '../../src/kernels/candidates.js';
import { matmul } from '../../src/kernels/matmul.js';
import { randomMatrix } from '../../src/kernels/random.js';
import { referenceMatmul, verifyMatmul } from '../../src/kernels/reference.js';
import { kernelFor } from '../../src/kernels/select.js';
import { configName, invocations } from '../../src/kernels/tiled.js';
import { lookupTune, tuneKey } from '../../src/kernels/tune-cache.js';

let gpu: Gpu;
let dir: string;
beforeAll(async () => {
  gpu = await openGpu({ onWarning: () => {} });
  dir = mkdtempSync(join(tmpdir(), 'hetbench-select-'));
});
afterAll(() => {
  closeGpu(gpu);
  rmSync(dir, { recursive: true, force: true });
});

describe('kernelFor: the kernel matmul() uses when none is given', () => {
  it('uses the small-product config, untuned, for products too small to be worth tuning', async () => {
    const kernel = await kernelFor(gpu, { m: 7, n: 13, k: 29 }, 'f32', { cacheDir: dir });
    expect(kernel.name).toBe(configName(smallProductConfig('f32', gpu)));
    expect(lookupTune(tuneKey(gpu, 'f32', 'm8-n16-k32'), { cacheDir: dir })).toBeUndefined();
  });

  it('on a software adapter, gives small products a smaller block than the default', () => {
    const small = smallProductConfig('f32', gpu);
    const big = defaultConfig('f32', gpu);
    // Elements of C per workgroup: every invocation computes a tm x tn tile.
    const block = (c: typeof small) => invocations(c) * c.tm * c.tn;
    if (gpu.info.isFallbackAdapter) {
      expect(configName(small)).not.toBe(configName(big));
      expect(block(small)).toBeLessThan(block(big));
    } else {
      expect(configName(small)).toBe(configName(big));
    }
  });

  it('tunes nothing once the process budget is spent, and falls back to the default', async () => {
    const started = performance.now();
    const kernel = await kernelFor(gpu, { m: 512, n: 512, k: 512 }, 'f32', { cacheDir: dir, processBudgetS: 0 });
    expect(kernel.name).toBe(configName(defaultConfig('f32', gpu)));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('matmul() without a kernel multiplies correctly with the chosen one', async () => {
    const shape = { m: 45, n: 70, k: 33 };
    const a = randomMatrix(shape.m * shape.k, 1);
    const b = randomMatrix(shape.k * shape.n, 2);
    const c = await matmul(gpu, a, b, shape);
    expect(verifyMatmul(c, referenceMatmul(a, b, shape), shape.k).ok).toBe(true);
  });
});
