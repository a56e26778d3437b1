import { describe, expect, it } from 'vitest';
import { SpecError } from '../src/errors.js';
import { catalog, findGpu } from '../src/hardware/catalog.js';

const FIELDS = ['bf16DenseTflops', 'fp32Tflops', 'memoryGB', 'memoryBandwidthTBs', 'scaleUpGBs', 'tdpW'] as const;

describe('GPU catalog', () => {
  it('holds every generation the issue names', () => {
    expect(catalog.map((g) => g.id).sort()).toEqual([
      'a100-sxm-80gb',
      'b200',
      'gb200',
      'h100-sxm',
      'h200-sxm',
      'l40s',
      'mi300x',
      'rtx-pro-6000',
      'v100-sxm2-32gb',
    ]);
  });

  it.each(catalog.map((g) => [g.id, g] as const))('%s: every number is positive and has a source', (_id, gpu) => {
    for (const field of FIELDS) {
      const value = gpu[field];
      if (value !== null) expect(value).toBeGreaterThan(0);
      expect(gpu.sources[field].url).toMatch(/^https:\/\//);
      expect(gpu.sources[field].note ?? '').not.toBe('');
    }
  });

  it.each([
    ['h100-sxm', 989.4],
    ['h200-sxm', 989.4],
    ['gb200', 180_000 / 72],
    ['b200', 2250],
    ['a100-sxm-80gb', 312],
    ['mi300x', 1307.4],
  ])('%s lists the dense BF16 rate, half the sparse headline (%d TFLOPS)', (id, dense) => {
    expect(findGpu(id).bf16DenseTflops).toBeCloseTo(dense, 6);
  });

  it('has no scale-up link exactly for the PCIe cards', () => {
    expect(
      catalog
        .filter((g) => g.scaleUpGBs === null)
        .map((g) => g.id)
        .sort(),
    ).toEqual(['l40s', 'rtx-pro-6000']);
  });

  it('finds a spec-added GPU before the catalog', () => {
    const custom = { ...findGpu('h100-sxm'), tdpW: 500 };
    expect(findGpu('h100-sxm', [custom]).tdpW).toBe(500);
  });

  it('rejects an unknown id with a SpecError listing the nearest names', () => {
    const err = (() => {
      try {
        findGpu('h100');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).message).toMatch(/nearest: h100-sxm/);
  });
});
