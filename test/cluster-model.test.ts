import { describe, expect, it } from 'vitest';
import { clusterPresets } from '../src/cluster/presets.js';
import { SpecError } from '../src/errors.js';
import { hierarchicalAllReduce } from '../src/model/allreduce.js';
import { buildClusterModel, DEFAULT_OVERLAP } from '../src/model/cluster-model.js';
import { workloadPresets } from '../src/workload/presets.js';
import { findCluster, findWorkload } from './helpers/presets.js';

describe('buildClusterModel', () => {
  const model = buildClusterModel(findCluster('colossus-1'), findWorkload('70b'));

  it('models colossus-1 / 70b coherently', () => {
    expect(model.gpus).toBe(220_000);
    expect(model.globalBatch).toBe(32 * 220_000);
    expect(model.tokensPerSequence).toBe(4096);
    expect(model.overlap).toBe(DEFAULT_OVERLAP);
    expect(model.classes.map((c) => [c.index, c.gpu.id, c.count])).toEqual([
      [0, 'h100-sxm', 150_000],
      [1, 'h200-sxm', 50_000],
      [2, 'gb200', 20_000],
    ]);
    const [h100, h200, gb200] = model.classes.map((c) => c.timeS(32));
    expect(gb200!).toBeLessThan(h200!);
    expect(h200!).toBeLessThan(h100!);
    // Micro-batch caps from memory (docs/model.md); the per-step cap is 64 micro-batches of them.
    expect(model.classes.map((c) => c.microBatchCap)).toEqual([8, 15, 20]);
    expect(model.classes.map((c) => c.memoryCapSequences)).toEqual([8 * 64, 15 * 64, 20 * 64]);
    expect(model.maxMicroBatches).toBe(64);
    expect(model.classes[0]!.peakFlops).toBe(989.4e12);
  });

  it('all-reduces 141 GB of bf16 gradients over the hierarchical ring, bounded by the HGX domains', () => {
    const expected = hierarchicalAllReduce(70_553_706_496 * 2, [
      { count: 150_000, scaleUpDomain: 8, scaleUpGBs: 450, scaleOutGBs: 50 },
      { count: 50_000, scaleUpDomain: 8, scaleUpGBs: 450, scaleOutGBs: 50 },
      { count: 20_000, scaleUpDomain: 72, scaleUpGBs: 900, scaleOutGBs: 50 },
    ]);
    expect(model.allReduceS).toBeCloseTo(expected.totalS, 12);
    expect(expected.domains).toBe(18_750 + 6250 + 278);
    expect(model.allReduceS).toBeGreaterThan(1);
    expect(model.allReduceS).toBeLessThan(2);
  });

  it.each(clusterPresets.flatMap((c) => workloadPresets.map((w) => [c.name, w.name, c, w] as const)))(
    '%s / %s builds with positive fits and an exact global batch',
    (_c, _w, c, w) => {
      const m = buildClusterModel(c, w);
      expect(Number.isSafeInteger(m.globalBatch)).toBe(true);
      for (const k of m.classes) {
        expect(k.perSequenceS).toBeGreaterThan(0);
        expect(k.fixedS).toBeGreaterThan(0);
      }
    },
  );

  it('takes the global batch and overlap from the options', () => {
    const m = buildClusterModel(findCluster('lab-a100-h100'), findWorkload('8b'), { globalBatch: 100, overlap: 0.9 });
    expect([m.globalBatch, m.overlap]).toEqual([100, 0.9]);
  });

  it('uses a spec GPU override given in options.gpus', () => {
    const base = buildClusterModel(findCluster('lab-a100-h100'), findWorkload('8b'));
    const h100 = base.classes[1]!.gpu;
    const faster = buildClusterModel(findCluster('lab-a100-h100'), findWorkload('8b'), {
      gpus: [{ ...h100, bf16DenseTflops: 2 * h100.bf16DenseTflops }],
    });
    expect(faster.classes[1]!.timeS(2)).toBeLessThan(base.classes[1]!.timeS(2));
  });

  it.each([
    [{ overlap: 1.5 }, 'overlap'],
    [{ overlap: Number.NaN }, 'overlap'],
    [{ globalBatch: 2.5 }, 'globalBatch'],
    [{ globalBatch: 0 }, 'globalBatch'],
  ])('rejects options %j with a SpecError naming %s', (options, field) => {
    expect(() => buildClusterModel(findCluster('lab-a100-h100'), findWorkload('8b'), options)).toThrow(SpecError);
    expect(() => buildClusterModel(findCluster('lab-a100-h100'), findWorkload('8b'), options)).toThrow(field);
  });

  it('rejects a group with an unknown GPU, naming its path and the nearest names', () => {
    const cluster = { name: 'x', groups: [{ gpu: 'h100', count: 8, scaleUpDomain: 8, scaleOutGBs: 50 }] };
    expect(() => buildClusterModel(cluster, findWorkload('8b'))).toThrow(
      /\$\.groups\[0\]\.gpu: got "h100"; is not a known GPU; nearest: h100-sxm/,
    );
  });
});
