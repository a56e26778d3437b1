import { describe, expect, it } from 'vitest';
import { GEMM_EFFICIENCY, gemmEfficiency, gemmInstanceS, gemmTimeS } from '../src/model/gemm-cost.js';

const h100 = { peakFlops: 989.4e12, bandwidthBytes: 3.35e12, elementBytes: 2 };

describe('GEMM efficiency and roofline', () => {
  it('takes 0.8 * fill * depth (hand-computed for 4096^3 on an H100)', () => {
    // fill = 4096^2 / (4096^2 + 2^22) = 0.8; depth = 4096 / (4096 + 32)
    expect(gemmEfficiency(4096, 4096, 4096, 1, 989.4)).toBeCloseTo(0.8 * 0.8 * (4096 / 4128), 12);
  });

  it('is compute-bound for a large GEMM: 2mnk / (peak * eff)', () => {
    const expected = (2 * 4096 ** 3) / (989.4e12 * 0.8 * 0.8 * (4096 / 4128));
    expect(gemmInstanceS(4096, 4096, 4096, 1, h100)).toBeCloseTo(expected, 15);
  });

  it('is memory-bound for a matrix-vector product on a slow memory: bytes / bandwidth', () => {
    const slow = { ...h100, bandwidthBytes: 0.1e12 };
    const bytes = (1 * 8192 + 8192 * 8192 + 1 * 8192) * 2;
    expect(gemmInstanceS(1, 8192, 8192, 1, slow)).toBeCloseTo(bytes / 0.1e12, 15);
  });

  it('rises towards EFF_MAX as the GEMM grows, and a batched launch fills like a bigger one', () => {
    const sizes = [256, 1024, 4096, 16384, 65536];
    const effs = sizes.map((m) => gemmEfficiency(m, 8192, 8192, 1, 989.4));
    for (let i = 1; i < effs.length; i++) expect(effs[i]).toBeGreaterThan(effs[i - 1] ?? 0);
    expect(effs.at(-1)).toBeLessThan(GEMM_EFFICIENCY.max);
    expect(gemmEfficiency(4096, 128, 4096, 64, 989.4)).toBeCloseTo(gemmEfficiency(4096 * 64, 128, 4096, 1, 989.4), 12);
  });

  it('needs more work in flight to fill a faster GPU', () => {
    expect(gemmEfficiency(2048, 2048, 4096, 1, 2500)).toBeLessThan(gemmEfficiency(2048, 2048, 4096, 1, 989.4));
  });

  it('multiplies by count', () => {
    const g = { name: 'x', m: 512, n: 512, k: 512, count: 7, phase: 'forward' as const };
    expect(gemmTimeS(g, h100)).toBeCloseTo(7 * gemmInstanceS(512, 512, 512, 1, h100), 15);
  });
});
