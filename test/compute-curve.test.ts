import { describe, expect, it } from 'vitest';
import { catalog } from '../src/hardware/catalog.js';
import { affineFit, computeCurve, NON_GEMM, peakFlopsFor } from '../src/model/compute-curve.js';
import { gemmTimeS } from '../src/model/gemm-cost.js';
import { MODEL_STATE_BYTES_PER_PARAM } from '../src/model/memory-cap.js';
import { layerActivationElementsPerToken } from '../src/workload/activations.js';
import { stepGemms } from '../src/workload/gemms.js';
import { workloadPresets } from '../src/workload/presets.js';
import { findWorkload } from './helpers/presets.js';

const N = 1000;

describe('compute curve t(b)', () => {
  it.each(catalog.flatMap((g) => workloadPresets.map((w) => [g.id, w.name, g, w] as const)))(
    '%s / %s: t(0) = 0 and t is non-decreasing',
    (_g, _w, gpu, w) => {
      const t = computeCurve(gpu, w, N);
      expect(t(0)).toBe(0);
      let previous = 0;
      for (let b = 1; b <= 64; b++) {
        const now = t(b);
        expect(now).toBeGreaterThan(previous);
        previous = now;
      }
    },
  );

  it.each([1, 2, 5])('fast path equals the plain sum over stepGemms plus the documented overheads (b = %d)', (b) => {
    const gpu = catalog[0]!;
    const w = findWorkload('8b');
    const r = { peakFlops: peakFlopsFor(gpu, w), bandwidthBytes: gpu.memoryBandwidthTBs * 1e12, elementBytes: 2 };
    const gemms = stepGemms(w, b).reduce((s, g) => s + gemmTimeS(g, r), 0);
    const launches = w.layers * NON_GEMM.kernelsPerLayer * (4 / 3) * NON_GEMM.kernelLaunchS;
    const optimizer = (NON_GEMM.optimizerPasses * MODEL_STATE_BYTES_PER_PARAM * w.params) / N / r.bandwidthBytes;
    const elementwise =
      (b * NON_GEMM.elementwisePasses * w.layers * layerActivationElementsPerToken(w) * w.seqLen * 2) /
      r.bandwidthBytes;
    expect(computeCurve(gpu, w, N)(b)).toBeCloseTo(gemms + launches + optimizer + elementwise, 12);
  });

  it('is faster on a GB200 than on an H100, and H100 and H200 (same compute) within 10%', () => {
    const w = findWorkload('70b');
    const [h100, h200, gb200] = ['h100-sxm', 'h200-sxm', 'gb200'].map((id) =>
      computeCurve(catalog.find((g) => g.id === id)!, w, N)(4),
    );
    expect(gb200!).toBeLessThan(h100! / 2);
    expect(Math.abs(h200! / h100! - 1)).toBeLessThan(0.1);
  });
});

describe('affine fit', () => {
  it('recovers an exact line', () => {
    expect(affineFit((b) => 0.25 + 2 * b, 10)).toEqual({
      fixedS: expect.closeTo(0.25, 12),
      perSequenceS: expect.closeTo(2, 12),
    });
  });

  it('fits t(b) within 2% over [1, 16] with a positive intercept', () => {
    const t = computeCurve(catalog[0]!, findWorkload('70b'), N);
    const { fixedS, perSequenceS } = affineFit(t, 16);
    expect(fixedS).toBeGreaterThan(0);
    for (let b = 1; b <= 16; b++) expect(Math.abs(fixedS + perSequenceS * b - t(b)) / t(b)).toBeLessThan(0.02);
  });

  it('uses at least two points when the cap is 0 or 1', () => {
    expect(affineFit((b) => 3 * b, 0).perSequenceS).toBeCloseTo(3, 12);
  });
});
