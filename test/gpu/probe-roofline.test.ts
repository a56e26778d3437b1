import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeGpu, type Gpu, openGpu } from '../../src/gpu/open.js';
import { probeRoofline } from '../../src/kernels/probe.js';

let gpu: Gpu;
beforeAll(async () => {
  gpu = await openGpu({ onWarning: () => {} });
});
afterAll(() => closeGpu(gpu));

describe('probeRoofline', () => {
  it('returns positive finite FMA peaks and bandwidth (f16 where the adapter has shader-f16)', async () => {
    const r = await probeRoofline(gpu, { reps: 2, scale: 0.1 });
    for (const v of [r.fmaF32Gflops, r.bandwidthGBs]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    if (gpu.features.shaderF16) {
      expect(r.fmaF16Gflops).not.toBeNull();
      expect(r.fmaF16Gflops ?? 0).toBeGreaterThan(0);
    } else {
      expect(r.fmaF16Gflops).toBeNull();
    }
    expect(r.samples.fmaF32.length).toBe(2);
  });
});
