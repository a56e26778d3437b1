import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeGpu, type Gpu, openGpu, prepareMatmul, timePasses } from '../../src/index.js';
import { naiveKernel } from '../../src/kernels/naive.js';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await openGpu();
});
afterAll(() => closeGpu(gpu));

describe('GPU timer (timestampWrites on compute passes)', () => {
  it('uses GPU timestamps on an adapter with timestamp-query', () => {
    expect(gpu.features.timestampQuery).toBe(true);
  });

  it('returns one positive, finite duration per pass', async () => {
    const mm = await prepareMatmul(gpu, naiveKernel, { m: 64, n: 64, k: 64 });
    try {
      const times = await timePasses(
        gpu,
        Array.from({ length: 6 }, () => (p: GPUComputePassEncoder) => mm.dispatch(p)),
      );
      expect(times.method).toBe('gpu-timestamp');
      expect(times.seconds).toHaveLength(6);
      for (const s of times.seconds) {
        expect(Number.isFinite(s)).toBe(true);
        expect(s).toBeGreaterThan(0);
        expect(s).toBeLessThan(10);
      }
    } finally {
      mm.destroy();
    }
  });

  it('is monotone in work: 8x the multiply-adds take longer, and two dispatches longer than one', async () => {
    const small = await prepareMatmul(gpu, naiveKernel, { m: 64, n: 64, k: 64 });
    const large = await prepareMatmul(gpu, naiveKernel, { m: 128, n: 128, k: 128 });
    try {
      const times = await timePasses(gpu, [
        ...Array.from({ length: 5 }, () => (p: GPUComputePassEncoder) => small.dispatch(p)),
        ...Array.from({ length: 5 }, () => (p: GPUComputePassEncoder) => large.dispatch(p)),
        ...Array.from({ length: 5 }, () => (p: GPUComputePassEncoder) => {
          large.dispatch(p);
          large.dispatch(p);
        }),
      ]);
      const med = (xs: readonly number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 1] ?? Number.NaN;
      const s = med(times.seconds.slice(0, 5));
      const l = med(times.seconds.slice(5, 10));
      const l2 = med(times.seconds.slice(10, 15));
      expect(l).toBeGreaterThan(s);
      expect(l2).toBeGreaterThan(l);
    } finally {
      small.destroy();
      large.destroy();
    }
  });

  it('times more passes than one query set holds (chunked)', async () => {
    const mm = await prepareMatmul(gpu, naiveKernel, { m: 4, n: 4, k: 4 });
    try {
      const times = await timePasses(
        gpu,
        Array.from({ length: 1100 }, () => (p: GPUComputePassEncoder) => mm.dispatch(p)),
      );
      expect(times.seconds).toHaveLength(1100);
      expect(times.seconds.filter((x) => Number.isFinite(x) && x > 0).length).toBeGreaterThan(1000);
    } finally {
      mm.destroy();
    }
  });
});
